"""The media-store interface that both backends implement, and the app's choice of backend."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import Flask, current_app


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
    """Where image bytes live, addressed by media key (DESIGN.md, "Media keys")."""

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

    def check(self) -> None:
        """Raise StorageUnavailable when the store cannot be used."""


def create_store(config: dict) -> MediaStore:
    """The backend named by MEDIA_BACKEND."""
    backend = config["MEDIA_BACKEND"]
    if backend == "local":
        from .local import LocalMediaStore

        return LocalMediaStore(config["MEDIA_ROOT"])
    if backend == "s3":
        from .s3 import S3MediaStore

        return S3MediaStore(
            endpoint_url=config["S3_ENDPOINT_URL"],
            post_bucket=config["S3_POST_BUCKET"],
            profile_bucket=config["S3_PROFILE_BUCKET"],
        )
    raise ValueError(f"MEDIA_BACKEND must be 'local' or 's3', not {backend!r}")


def init_app(app: Flask, store: MediaStore) -> None:
    """Attach the store to the app."""
    app.extensions["media_store"] = store


def get_store() -> MediaStore:
    """The app's media store."""
    return current_app.extensions["media_store"]
