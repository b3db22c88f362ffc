"""The app's media store: the backend MEDIA_BACKEND names, made once and attached to the app."""

from flask import Flask, current_app

from photoshare.media.local import LocalMediaStore
from photoshare.media.s3 import S3MediaStore
from photoshare.media.store import MediaStore


def create_store(config: dict) -> MediaStore:
    """The backend named by MEDIA_BACKEND."""
    backend = config["MEDIA_BACKEND"]
    if backend == "local":
        return LocalMediaStore(config["MEDIA_ROOT"])
    if backend == "s3":
        return S3MediaStore(
            endpoint_url=config["S3_ENDPOINT_URL"],
            post_bucket=config["S3_POST_BUCKET"],
            profile_bucket=config["S3_PROFILE_BUCKET"],
            connect_timeout=config.get("S3_CONNECT_TIMEOUT", 3.0),
            read_timeout=config.get("S3_READ_TIMEOUT", 10.0),
            max_attempts=config.get("S3_MAX_ATTEMPTS", 3),
            presigned_expires=config.get("S3_PRESIGNED_EXPIRES", 300) if config.get("S3_PRESIGNED_REDIRECT") else None,
        )
    raise ValueError(f"MEDIA_BACKEND must be 'local' or 's3', not {backend!r}")


def init_app(app: Flask, store: MediaStore) -> None:
    """Attach the store to the app."""
    app.extensions["media_store"] = store


def get_store() -> MediaStore:
    """The app's media store."""
    return current_app.extensions["media_store"]
