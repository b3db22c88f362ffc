"""Publishing, editing and deleting posts: the row and its stored photo, in an order that loses nothing,
and the caption's hashtags kept in step with it in the same transaction."""

import psycopg

from photoshare.media.images import ProcessedImage
from photoshare.media.keys import new_post_key
from photoshare.media.store import MediaStore
from photoshare.repositories import HashtagRepository, JobRepository, PostRepository
from photoshare.repositories.jobs import DELIVER_POST
from photoshare.services.write_order import delete_unreferenced, stored_image
from photoshare.tokens import hashtags


def publish_post(conn: psycopg.Connection, store: MediaStore, author_id: int, image: ProcessedImage,
                 caption: str = "", alt_text: str = "") -> int:
    """Store the photo, then commit the post that points to it; returns the new post's id.

    The job that delivers it to the author's followers' home feeds is queued in the same
    transaction: a committed post always has one, a rolled-back post never.

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
        tags = hashtags(caption)
        if tags:
            HashtagRepository(conn).set_post_tags(post_id, tags)
        JobRepository(conn).defer(DELIVER_POST, post_id=post_id)
    return post_id


def edit_post(conn: psycopg.Connection, post_id: int, author_id: int, caption: str, alt_text: str) -> bool:
    """Change the author's own post's caption and alt text, and its tags to the new caption's, in one
    transaction; False when there is no such post of theirs."""
    with conn.transaction():
        if not PostRepository(conn).update_text(post_id, author_id, caption, alt_text):
            return False
        # The UPDATE holds the post's row: two edits of one post sync its tags one after the other.
        HashtagRepository(conn).set_post_tags(post_id, hashtags(caption))
    return True


def delete_post(conn: psycopg.Connection, store: MediaStore, post_id: int, author_id: int) -> bool:
    """Delete the author's own post (likes and tags cascade), then its photo; False when nothing matched."""
    with conn.transaction():
        key = PostRepository(conn).delete(post_id, author_id)
    delete_unreferenced(store, [key])
    return key is not None
