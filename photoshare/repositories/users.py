"""Accounts."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pgerrors

from photoshare.data.queries import fetch_record, fetch_values, queries
from photoshare.errors import EmailTaken, InvalidUsername, UsernameTaken
from photoshare.models import User
from photoshare.repositories._unit import require_unit_of_work, savepoint, storable


@contextmanager
def _account_rules(username: str, email: str) -> Iterator[None]:
    """The constraints a username and email must meet, as the domain errors that name them."""
    try:
        yield
    except pgerrors.UniqueViolation as exc:
        if exc.diag.constraint_name == "users_email_lower_key":
            raise EmailTaken(email) from exc
        raise UsernameTaken(username) from exc
    except pgerrors.CheckViolation as exc:
        if exc.diag.constraint_name == "users_username_format":
            raise InvalidUsername(username) from exc
        raise


class UserRepository:
    """The users table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def add(self, username: str, email: str, password_hash: str) -> User:
        """Insert a user; raises UsernameTaken, EmailTaken or InvalidUsername."""
        with _account_rules(username, email), savepoint(self.conn):
            return fetch_record(self.conn, queries.insert_user, User, username=username, email=email,
                                password=password_hash)

    def update_account(self, user_id: int, username: str, email: str) -> User | None:
        """Change the username and email (a new address is unverified again); raises UsernameTaken,
        EmailTaken or InvalidUsername, and returns None for a missing user."""
        with _account_rules(username, email), savepoint(self.conn):
            return fetch_record(self.conn, queries.update_user_account, User, id=user_id, username=username,
                                email=email)

    def mark_email_verified(self, user_id: int, email: str) -> bool:
        """Record that `email` reaches the user; False when it is no longer their address."""
        require_unit_of_work(self.conn)
        return queries.mark_email_verified(self.conn, id=user_id, email=email) is not None

    def get(self, user_id: int) -> User | None:
        """A user by id, or None."""
        return fetch_record(self.conn, queries.get_user_by_id, User, id=user_id)

    def get_by_username(self, username: str) -> User | None:
        """A user by username in any case, or None."""
        if not storable(username):
            return None
        return fetch_record(self.conn, queries.get_user_by_username, User, username=username)

    def get_by_login(self, login: str) -> User | None:
        """A user by username or email in any case, or None."""
        if not storable(login):
            return None
        return fetch_record(self.conn, queries.get_user_by_login, User, login=login)

    def set_password(self, user_id: int, password_hash: str) -> None:
        """Replace the password hash."""
        require_unit_of_work(self.conn)
        queries.update_user_password(self.conn, id=user_id, password=password_hash)

    def delete(self, user_id: int) -> bool:
        """Delete a user and, by cascade, their profile, posts and likes."""
        require_unit_of_work(self.conn)
        return queries.delete_user(self.conn, id=user_id) == 1

    def lock_for_deletion(self, user_id: int) -> None:
        """Take, in order, every lock the account's deletion needs (sql/queries/app/account_deletion.sql)."""
        require_unit_of_work(self.conn)
        queries.lock_account_deletions(self.conn)
        queries.lock_profile_for_deletion(self.conn, user_id=user_id)
        queries.lock_posts_for_deletion(self.conn, user_id=user_id)
        queries.lock_user_for_deletion(self.conn, user_id=user_id)
        queries.lock_posts_liked_by(self.conn, user_id=user_id)

    def media_keys(self, user_id: int) -> list[str]:
        """Every media key a user's rows reference."""
        return fetch_values(self.conn, queries.list_media_keys_of_user, user_id=user_id)
