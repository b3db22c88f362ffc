"""Reading an uploaded file and storing it as a media object, in an order that loses nothing."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from flask import abort, current_app
from werkzeug.datastructures import FileStorage

from photoshare.errors import NotAnImage
from photoshare.media.images import ProcessedImage, process_image
from photoshare.media.storage import delete_images_quietly, put_image
from photoshare.media.store import MediaStore

STORAGE_DOWN_MESSAGE = "Image storage is briefly unavailable, so nothing was saved. Please try again in a moment."


def read_upload(file: FileStorage | None, kind: str) -> ProcessedImage:
    """Decode and clean an upload; raises NotAnImage or ImageTooLarge with a user-facing message."""
    if file is None or not file.filename:
        raise NotAnImage("Choose an image to upload.")
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    # One byte over the limit is enough to know; the request body limit has a margin for the form.
    data = file.read(limit + 1)
    if len(data) > limit:
        abort(413)
    return process_image(data, kind)


@contextmanager
def stored_image(store: MediaStore, key: str, image: ProcessedImage) -> Iterator[None]:
    """Store the image, then let the caller commit the row that points to it.

    Object first, row second: a failed upload leaves no row. If the row's transaction
    fails, the object is removed again, unless the connection broke, when the commit
    may have happened: then the object stays, and media gc removes it if no row refers to it.
    """
    put_image(store, key, image)
    try:
        yield
    except psycopg.OperationalError:
        raise
    except BaseException:
        delete_images_quietly(store, [key])
        raise

