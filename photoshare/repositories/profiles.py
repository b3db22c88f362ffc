"""The 1:1 profile."""

import psycopg
from psycopg import errors as pgerrors

from photoshare.data.queries import fetch_record, queries
from photoshare.errors import ProfileExists, UserNotFound
from photoshare.models import Profile, ProfilePage, ProfileStorage
from photoshare.repositories._unit import require_unit_of_work, savepoint, storable


class ProfileRepository:
    """The profile table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def add(self, user_id: int) -> Profile:
        """Create the user's profile; raises ProfileExists or UserNotFound."""
        try:
            with savepoint(self.conn):
                profile = fetch_record(self.conn, queries.insert_profile, Profile, user_id=user_id)
        except pgerrors.UniqueViolation as exc:
            raise ProfileExists(user_id) from exc
        except pgerrors.ForeignKeyViolation as exc:
            raise UserNotFound(user_id) from exc
        return profile

    def get(self, user_id: int) -> Profile | None:
        """The user's profile row, or None."""
        return fetch_record(self.conn, queries.get_profile_by_user_id, Profile, user_id=user_id)

    def page(self, username: str, viewer_id: int = 0) -> ProfilePage | None:
        """The profile header (picture, counts, join date, whether the viewer follows) by username in any case."""
        if not storable(username):
            return None
        return fetch_record(self.conn, queries.get_profile_page, ProfilePage, username=username, viewer_id=viewer_id)

    def storage(self, user_id: int) -> ProfileStorage | None:
        """The account's picture and stored bytes (deltas included), unlocked; None without a profile."""
        return fetch_record(self.conn, queries.get_profile_storage, ProfileStorage, user_id=user_id)

    def lock_storage(self, user_id: int) -> ProfileStorage | None:
        """The same, holding the profile row until commit (the first lock of every upload); None
        when the account is gone."""
        require_unit_of_work(self.conn)
        return fetch_record(self.conn, queries.lock_profile_storage, ProfileStorage, user_id=user_id)

    def set_image(self, user_id: int, key: str | None, image_bytes: int = 0) -> None:
        """Point the profile at a new image key (or none) of this many stored bytes."""
        require_unit_of_work(self.conn)
        queries.set_profile_image(self.conn, user_id=user_id, image=key, image_bytes=image_bytes)

    def set_details(self, user_id: int, display_name: str, bio: str) -> None:
        """Set the display name and bio."""
        require_unit_of_work(self.conn)
        queries.update_profile_details(self.conn, user_id=user_id, display_name=display_name, bio=bio)
