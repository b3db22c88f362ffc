"""Setting, replacing and removing a profile picture."""

import psycopg

from photoshare.media.images import ProcessedImage
from photoshare.media.keys import new_profile_key
from photoshare.media.store import MediaStore
from photoshare.repositories import ProfileRepository
from photoshare.services.write_order import delete_unreferenced, stored_image


def replace_profile_image(conn: psycopg.Connection, store: MediaStore, user_id: int, username: str,
                          image: ProcessedImage) -> None:
    """New object first, row second, old object last: at every step the row points to an object
    that exists. Raises StorageUnavailable with nothing changed."""
    key = new_profile_key(username, image.ext)
    with stored_image(store, key, image), conn.transaction():
        old = ProfileRepository(conn).set_image(user_id, key)
    delete_unreferenced(store, [old])


def remove_profile_image(conn: psycopg.Connection, store: MediaStore, user_id: int) -> None:
    """Clear the picture, then delete its object."""
    with conn.transaction():
        old = ProfileRepository(conn).set_image(user_id, None)
    delete_unreferenced(store, [old])
