"""Plain records that repositories return; no I/O here."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    email: str
    password: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Profile:
    id: int
    user_id: int
    image: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ProfilePage:
    user_id: int
    username: str
    joined_at: datetime
    image: str | None
    post_count: int
    likes_received: int


@dataclass(frozen=True, slots=True)
class Post:
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


@dataclass(frozen=True, slots=True)
class LikeState:
    like_count: int
    liked: bool


@dataclass(frozen=True, slots=True)
class Liker:
    id: int
    username: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AppliedMigration:
    name: str
    checksum: str
    applied_at: datetime
