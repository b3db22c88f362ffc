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


class SessionUserRow(NamedTuple):
    """The user of a live session, the session's id, and whether its token was just replaced."""

    id: int
    username: str
    email: str
    password: str
    created_at: datetime
    email_verified_at: datetime | None
    session_id: int
    rotated: bool  # the browser must now hold the next token (services/sessions.py)
    unread_notifications: int  # the navigation's badge, read with the session

    def user(self) -> User:
        return User(*self[:6])


class ActiveSession(NamedTuple):
    """One live session as /settings/sessions lists it."""

    id: int
    device: str
    network: object | None  # an ipaddress network (IPv4 /24, IPv6 /48), or None when unknown
    remember: bool
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


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
    follower_count: int
    following_count: int
    followed: bool  # the viewer follows this account
    display_name: str
    bio: str


class ProfileStorage(NamedTuple):
    """An account's picture and the bytes it stores (for the storage quota)."""

    image: str | None
    image_bytes: int
    stored_bytes: int


class Post(NamedTuple):
    """A post with its author's name, exact counters, the accounts its caption mentions, and
    whether the viewer likes it."""

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
    comment_count: int
    mentions: list[str] | None  # usernames of existing accounts the caption's @names may mean
    author_image: str | None  # the media key of the author's profile picture
    liked: bool = False


class Comment(NamedTuple):
    """A comment as the post page lists it (under its post)."""

    id: int
    user_id: int
    author: str
    body: str
    created_at: datetime
    created_iso: str  # created_at in UTC as ISO 8601 text ("2025-01-31T09:05:00Z"), made by the query
    mentions: list[str] | None  # usernames of existing accounts the body's @names may mean
    author_image: str | None  # the media key of the author's profile picture


class CommentOwners(NamedTuple):
    """Who may delete a comment: its author and its post's author."""

    id: int
    post_id: int
    user_id: int
    post_author_id: int


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


class FollowChange(NamedTuple):
    """What a follow did: whether it was new, and whether the account has posts older than those
    copied into the follower's timeline at once."""

    added: bool
    more: bool


class FollowState(NamedTuple):
    following: bool
    follower_count: int


class ListedAccount(NamedTuple):
    """One person in a followers or following list; id and created_at are the follow's (the cursor)."""

    id: int
    user_id: int
    username: str
    image: str | None
    created_at: datetime
    followed: bool  # the viewer follows this person


class SuggestedAccount(NamedTuple):
    """An account an empty home feed suggests following."""

    user_id: int
    username: str
    image: str | None
    follower_count: int
    liked_your_posts: bool


class PostDelivery(NamedTuple):
    """What delivering a post to its author's followers needs to know."""

    id: int
    user_id: int
    feed_mode: str  # "push" or "pull"
    follower_count: int


class DeliveryBatch(NamedTuple):
    """One batch of a delivery: how many followers it had, and the follow cursor after it."""

    followers: int
    last_created_at: datetime | None
    last_id: int | None


class NotificationEntry(NamedTuple):
    """One entry of /notifications: a notification, or the likes of one post on one day (its newest
    like's id and time, the cursor)."""

    id: int
    kind: str  # "like", "comment", "follow" or "mention"
    created_at: datetime
    post_id: int | None
    post_image: str | None
    comment_id: int | None
    comment_body: str | None
    actors: list[str]  # the newest three at most, newest first
    actor_images: list[str | None]  # their profile pictures, in the same order
    actor_count: int
    unread: bool
    marked: int  # rows this page marked read (the same on every entry of a page)

class AppliedMigration(NamedTuple):
    name: str
    checksum: str
    applied_at: datetime


class Hashtag(NamedTuple):
    """A tag (its name is tokens.tag_key()) and how many posts carry it."""

    id: int
    name: str
    post_count: int


class AccountMatch(NamedTuple):
    """An account /search found; `prefix`: its username starts with the query."""

    user_id: int
    username: str
    prefix: bool


class TagMatch(NamedTuple):
    """A tag /search found; `prefix`: its name starts with the query."""

    hashtag_id: int
    name: str
    prefix: bool
