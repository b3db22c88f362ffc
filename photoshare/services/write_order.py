"""The order of object-store and database writes that keeps rows and objects in step.

A new object is stored before the row that points to it, and an old object is deleted after
the row stops pointing to it. Whatever a failure leaves behind is an object without a row,
which `flask media gc` removes; no row ever points to a missing object.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import psycopg

from photoshare.media.images import ProcessedImage
from photoshare.media.store import MediaStore
from photoshare.media.stored_images import delete_images_quietly, put_image


@contextmanager
def stored_image(store: MediaStore, key: str, image: ProcessedImage) -> Iterator[None]:
    """Store the image, then let the caller commit the row that points to it.

    If the row's transaction fails, the object is removed again, unless the connection broke,
    when the commit may have happened: then the object stays, and media gc removes it if no row
    refers to it.
    """
    put_image(store, key, image)
    try:
        yield
    except psycopg.OperationalError:
        raise
    except BaseException:
        delete_images_quietly(store, [key])
        raise


def delete_unreferenced(store: MediaStore, keys: Iterable[str | None]) -> None:
    """Delete images whose rows are committed gone (None entries are skipped); failures go to media gc."""
    delete_images_quietly(store, [key for key in keys if key])
