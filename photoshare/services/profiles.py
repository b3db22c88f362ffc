"""Setting, replacing and removing a profile picture."""

import psycopg

from photoshare.media.images import ProcessedImage
from photoshare.media.keys import new_profile_key
from photoshare.media.store import MediaStore
from photoshare.repositories import ProfileRepository
from photoshare.services.storage_quota import check_quota
from photoshare.services.write_order import delete_unreferenced, stored_image


def replace_profile_image(conn: psycopg.Connection, store: MediaStore, user_id: int, username: str,
                          image: ProcessedImage, quota_bytes: int | None = None) -> None:
    """New object first, row second, old object last: at every step the row points to an object
    that exists. Raises StorageUnavailable or QuotaExceeded with nothing changed, UserNotFound when
    the account is gone (deleted meanwhile perhaps: the new object is removed again)."""
    profiles = ProfileRepository(conn)
    size = image.stored_bytes
    key = new_profile_key(username, image.ext)
    with stored_image(store, key, image), conn.transaction():
        # Held until commit: a concurrent change cannot read the same old key, and an account
        # deletion (which takes this row first) deletes what this commits, or this finds no account.
        current = check_quota(profiles.lock_storage(user_id), user_id, size, quota_bytes, replaces_picture=True)
        profiles.set_image(user_id, key, size)
    delete_unreferenced(store, [current.image])


def remove_profile_image(conn: psycopg.Connection, store: MediaStore, user_id: int) -> None:
    """Clear the picture, then delete its object."""
    profiles = ProfileRepository(conn)
    with conn.transaction():
        current = profiles.lock_storage(user_id)
        if current is None:
            return  # the account is gone, and its picture with it
        profiles.set_image(user_id, None)
    delete_unreferenced(store, [current.image])
