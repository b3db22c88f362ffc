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
    email_verified_at: datetime | None  # None: the current address is not verified


class Profile(NamedTuple):
    id: int
    user_id: int
    image: str | None
    created_at: datetime
    updated_at: datetime
    display_name: str  # "" when none
    bio: str


class ProfilePage(NamedTuple):
    """Everything a profile header shows."""

    user_id: int
    username: str
    joined_at: datetime
    image: str | None
    post_count: int
    likes_received: int
    display_name: str
    bio: str


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
    author_image: str | None  # the media key of the author's profile picture
    liked: bool = False


class LikeState(NamedTuple):
    like_count: int
    liked: bool


class Liker(NamedTuple):
    id: int
    username: str
    created_at: datetime
    display_name: str
    image: str | None  # the liker's profile picture


class ResetRecipient(NamedTuple):
    """The account a password-reset link is mailed to."""

    user_id: int
    username: str
    email: str


class TokenOwner(NamedTuple):
    """Whose a mailed link is, and the address it was sent to."""

    user_id: int
    email: str


class LoginFailures(NamedTuple):
    """Recent failed log-ins: for one account, and from one client address."""

    by_login: int
    by_client: int


class AppliedMigration(NamedTuple):
    name: str
    checksum: str
    applied_at: datetime
