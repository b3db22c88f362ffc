"""Media keys: profile/<username>-<UTC timestamp>.<ext> and post/<post id>-<UTC timestamp>.<ext>."""

import re
from datetime import datetime, timezone

# A key the app could have made; anything else is refused before it reaches a backend.
KEY_PATTERN = re.compile(r"^(post|profile)/[A-Za-z0-9_.]{1,30}-\d{8}T\d{12}Z(-\d{2,4})?\.(jpg|png|gif|webp)$")


def _stamp() -> str:
    # Microseconds: a user replacing a picture twice in one second still gets a new key.
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def new_post_key(post_id: int, ext: str) -> str:
    """A never-used key for a post image."""
    return f"post/{post_id}-{_stamp()}.{ext}"


def new_profile_key(username: str, ext: str) -> str:
    """A never-used key for a profile picture."""
    return f"profile/{username}-{_stamp()}.{ext}"


def rendition_key(key: str, width: int) -> str:
    """The key of a smaller rendition of an image: post/1-…Z-640.jpg."""
    stem, dot, ext = key.rpartition(".")
    return f"{stem}-{width}.{ext}"


def is_valid_key(key: str) -> bool:
    """Whether key has the shape of a key the app makes."""
    return bool(KEY_PATTERN.match(key))


def kind_of(key: str) -> str:
    """'post' or 'profile'."""
    return key.split("/", 1)[0]
