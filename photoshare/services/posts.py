"""Publishing and deleting posts: the row and its stored photo, in an order that loses nothing."""

import psycopg

from photoshare.media.images import ProcessedImage
from photoshare.media.keys import new_post_key
from photoshare.media.store import MediaStore
from photoshare.repositories import JobRepository, PostRepository
from photoshare.repositories.jobs import DELIVER_POST
from photoshare.services.notifications import notify_caption_mentions
from photoshare.services.write_order import delete_unreferenced, stored_image


def publish_post(conn: psycopg.Connection, store: MediaStore, author_id: int, image: ProcessedImage,
                 caption: str = "", alt_text: str = "") -> int:
    """Store the photo, then commit the post that points to it; returns the new post's id.

    The accounts its caption mentions are notified, and the job that delivers it to the author's
    followers' home feeds is queued, in the same transaction: a committed post always has them, a
    rolled-back post never.

    Raises StorageUnavailable (nothing saved) or UserNotFound (the author is gone; the photo is
    removed again).
    """
    posts = PostRepository(conn)
    # The id comes first because the media key contains it.
    post_id = posts.reserve_id()
    key = new_post_key(post_id, image.ext)
    with stored_image(store, key, image), conn.transaction():
        posts.add(post_id, author_id, key, caption=caption, alt_text=alt_text,
                  image_width=image.main.width, image_height=image.main.height)
        JobRepository(conn).defer(DELIVER_POST, post_id=post_id)
        notify_caption_mentions(conn, post_id, author_id, caption)
    return post_id


def delete_post(conn: psycopg.Connection, store: MediaStore, post_id: int, author_id: int) -> bool:
    """Delete the author's own post (likes cascade), then its photo; False when nothing matched."""
    with conn.transaction():
        key = PostRepository(conn).delete(post_id, author_id)
    delete_unreferenced(store, [key])
    return key is not None
