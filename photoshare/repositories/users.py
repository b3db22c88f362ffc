"""Accounts."""

import psycopg
from psycopg import errors as pgerrors

from photoshare.data.queries import queries
from photoshare.errors import EmailTaken, InvalidUsername, UsernameTaken
from photoshare.models import User
from photoshare.repositories._unit import require_unit_of_work, savepoint, storable


class UserRepository:
    """The users table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def add(self, username: str, email: str, password_hash: str) -> User:
        """Insert a user; raises UsernameTaken, EmailTaken or InvalidUsername."""
        try:
            with savepoint(self.conn):
                row = queries.insert_user(self.conn, username=username, email=email, password=password_hash)
        except pgerrors.UniqueViolation as exc:
            if exc.diag.constraint_name == "users_email_lower_key":
                raise EmailTaken(email) from exc
            raise UsernameTaken(username) from exc
        except pgerrors.CheckViolation as exc:
            if exc.diag.constraint_name == "users_username_format":
                raise InvalidUsername(username) from exc
            raise
        return User(**row)

    def get(self, user_id: int) -> User | None:
        """A user by id, or None."""
        row = queries.get_user_by_id(self.conn, id=user_id)
        return User(**row) if row else None

    def get_by_username(self, username: str) -> User | None:
        """A user by username in any case, or None."""
        if not storable(username):
            return None
        row = queries.get_user_by_username(self.conn, username=username)
        return User(**row) if row else None

    def get_by_login(self, login: str) -> User | None:
        """A user by username or email in any case, or None."""
        if not storable(login):
            return None
        row = queries.get_user_by_login(self.conn, login=login)
        return User(**row) if row else None

    def set_password(self, user_id: int, password_hash: str) -> None:
        """Replace the password hash."""
        require_unit_of_work(self.conn)
        queries.update_user_password(self.conn, id=user_id, password=password_hash)

    def delete(self, user_id: int) -> bool:
        """Delete a user and, by cascade, their profile, posts and likes."""
        require_unit_of_work(self.conn)
        return queries.delete_user(self.conn, id=user_id) == 1

    def media_keys(self, user_id: int) -> list[str]:
        """Every media key a user's rows reference."""
        return [row["key"] for row in queries.list_media_keys_of_user(self.conn, user_id=user_id)]
