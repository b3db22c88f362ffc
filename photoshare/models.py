"""Plain records that repositories return; no I/O here.

Every record is a NamedTuple made straight from psycopg's row tuples (data/queries.py): pages
build dozens of them per request, at 0.1 µs each where a frozen dataclass from a dict row took
0.8 to 1.7 µs. A record's fields are its query's columns, in order (checked when the query runs).
"""

from datetime import datetime
from typing import NamedTuple


class User(NamedTuple):
    id: int
    username: str
    email: str
    password: str
    created_at: datetime


class Profile(NamedTuple):
    id: int
    user_id: int
    image: str | None
    created_at: datetime
    updated_at: datetime


class ProfilePage(NamedTuple):
    """Everything a profile header shows."""

    user_id: int
    username: str
    joined_at: datetime
    image: str | None
    post_count: int
    likes_received: int


class ProfileStorage(NamedTuple):
    """An account's picture and the bytes it stores (for the storage quota)."""

    image: str | None
    image_bytes: int
    stored_bytes: int


class Post(NamedTuple):
    """A post with its author's name and whether the viewer likes it."""

    id: int
    user_id: int
    author: str
    caption: str
    alt_text: str
    image: str
    image_width: int
    image_height: int
    like_count: int
    created_at: datetime
    updated_at: datetime
    liked: bool = False


class LikeState(NamedTuple):
    like_count: int
    liked: bool


class Liker(NamedTuple):
    id: int
    username: str
    created_at: datetime


class LoginFailures(NamedTuple):
    """Recent failed log-ins: for one account, and from one client address."""

    by_login: int
    by_client: int


class AppliedMigration(NamedTuple):
    name: str
    checksum: str
    applied_at: datetime
