"""The media-store interface that both backends implement."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class StoredObject:
    """An object read back from the store."""

    body: Iterator[bytes]
    content_type: str
    content_length: int
    last_modified: datetime
    etag: str

    def read(self) -> bytes:
        """All of the object's bytes."""
        return b"".join(self.body)


@dataclass(frozen=True)
class ObjectInfo:
    """A key as listed by the store (for media gc)."""

    key: str
    last_modified: datetime


class MediaStore(Protocol):
    """Where image bytes live, addressed by media key (README, "Media")."""

    def put_object(self, key: str, data: bytes, content_type: str) -> None:
        """Store data under key (replacing nothing: keys are never reused)."""

    def get_object(self, key: str) -> StoredObject:
        """Read an object; raises MediaNotFound when there is none."""

    def delete_object(self, key: str) -> None:
        """Delete an object; a missing one is not an error."""

    def exists(self, key: str) -> bool:
        """Whether an object is stored under key."""

    def list_objects(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every stored key under a prefix ("post/" or "profile/")."""

    def copy(self, key_from: str, key_to: str) -> None:
        """Store the object under key_from again under key_to, as cheaply as the backend can
        (a hard link, a server-side copy); raises MediaNotFound when key_from is missing."""

    def redirect_url(self, key: str) -> str | None:
        """A URL a browser may fetch the object from directly instead of through the app, or None
        when the backend serves only through the app (a capability, not a promise: the local
        backend never has one, S3 when presigned redirects are configured)."""

    def check(self) -> None:
        """Raise StorageUnavailable when the store cannot be used."""
