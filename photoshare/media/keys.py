"""Media keys: profile/<username>-<UTC timestamp>.<ext> and post/<post id>-<UTC timestamp>.<ext>."""

import re
from datetime import UTC, datetime

# A key the app could have made; anything else is refused before it reaches a backend.
KEY_PATTERN = re.compile(r"^(post|profile)/[A-Za-z0-9_.]{1,30}-\d{8}T\d{12}Z(-\d{2,4})?\.(jpg|png|gif|webp)$")

# A rendition is its image's key with "-<width>" before the extension; a main key's stem ends in "Z".
_RENDITION = re.compile(r"^(?P<stem>.+Z)-(?P<width>\d{2,4})\.(?P<ext>[a-z]+)$")

KINDS = ("post", "profile")


class InvalidKey(ValueError):
    """A key that could escape the store's root or is otherwise not a media key."""


def _stamp() -> str:
    # Microseconds: a user replacing a picture twice in one second still gets a new key.
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def new_post_key(post_id: int, ext: str) -> str:
    """A never-used key for a post image."""
    return f"post/{post_id}-{_stamp()}.{ext}"


def new_profile_key(username: str, ext: str) -> str:
    """A never-used key for a profile picture."""
    return f"profile/{username}-{_stamp()}.{ext}"


def rendition_key(key: str, width: int) -> str:
    """The key of a smaller rendition of an image: post/1-…Z-640.jpg."""
    stem, _dot, ext = key.rpartition(".")
    return f"{stem}-{width}.{ext}"


def main_key(key: str) -> str:
    """The image key a rendition belongs to (a main key is returned unchanged)."""
    match = _RENDITION.match(key)
    return f"{match['stem']}.{match['ext']}" if match else key


def is_valid_key(key: str) -> bool:
    """Whether key has the shape of a key the app makes."""
    return bool(KEY_PATTERN.match(key))


def kind_of(key: str) -> str:
    """'post' or 'profile'; raises InvalidKey for any other prefix."""
    kind = key.split("/", 1)[0]
    if kind not in KINDS or "/" not in key:
        raise InvalidKey(key)
    return kind
