"""The storage quota: how many bytes of images an account may keep (STORAGE_QUOTA_MB).

The bytes are counted by the database (posts.image_bytes, profile.image_bytes, profile.stored_bytes
kept by triggers); a new image is checked with the profile row locked, in the transaction that
commits it, so two uploads at once cannot both take the last megabytes.
"""

from photoshare.errors import QuotaExceeded, UserNotFound
from photoshare.models import ProfileStorage


def check_quota(storage: ProfileStorage | None, user_id: int, adding: int, quota_bytes: int | None,
                replaces_picture: bool = False) -> ProfileStorage:
    """The account's storage if `adding` bytes (in place of its picture's, for a new picture) fit
    its quota; raises QuotaExceeded, or UserNotFound when the account is gone. None: no quota."""
    if storage is None:
        raise UserNotFound(user_id)
    replacing = storage.image_bytes if replaces_picture else 0
    if quota_bytes is not None and storage.stored_bytes - replacing + adding > quota_bytes:
        used_mb = storage.stored_bytes / 1024 / 1024
        raise QuotaExceeded(f"Your photos take {used_mb:,.0f} MB of the {quota_bytes // 1024 // 1024:,} MB an "
                            "account may keep, and this one does not fit. Delete some posts to make room.")
    return storage
