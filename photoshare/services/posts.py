"""Publishing, editing and deleting posts: the row and its stored photo, in an order that loses nothing,
and the caption's hashtags kept in step with it in the same transaction."""

import psycopg

from photoshare.media.images import ProcessedImage
from photoshare.media.keys import new_post_key
from photoshare.media.store import MediaStore
from photoshare.repositories import HashtagRepository, JobRepository, PostRepository, ProfileRepository
from photoshare.repositories.jobs import DELIVER_POST
from photoshare.services.notifications import notify_caption_mentions
from photoshare.services.storage_quota import check_quota
from photoshare.services.write_order import delete_unreferenced, stored_image
from photoshare.tokens import hashtags


def publish_post(conn: psycopg.Connection, store: MediaStore, author_id: int, image: ProcessedImage,
                 caption: str = "", alt_text: str = "", quota_bytes: int | None = None) -> int:
    """Store the photo, then commit the post that points to it; returns the new post's id.

    The accounts its caption mentions are notified, and the job that delivers it to the author's
    followers' home feeds is queued, in the same transaction: a committed post always has them, a
    rolled-back post never.

    Raises StorageUnavailable (nothing saved), QuotaExceeded (nothing saved) or UserNotFound (the
    author is gone, deleted meanwhile perhaps; the photo is removed again).
    """
    posts, profiles = PostRepository(conn), ProfileRepository(conn)
    size = image.stored_bytes
    # The id comes first because the media key contains it.
    post_id = posts.reserve_id()
    key = new_post_key(post_id, image.ext)
    with stored_image(store, key, image), conn.transaction():
        # The profile row first, as an account deletion takes it: a deletion in progress makes this
        # wait and then find no account, and one starting now waits for this commit. Over the quota,
        # the photo just stored is removed again (uploads are rate-limited, so that is rare).
        check_quota(profiles.lock_storage(author_id), author_id, size, quota_bytes)
        posts.add(post_id, author_id, key, caption=caption, alt_text=alt_text,
                  image_width=image.main.width, image_height=image.main.height, image_bytes=size)
        tags = hashtags(caption)
        if tags:
            HashtagRepository(conn).set_post_tags(post_id, tags)
        JobRepository(conn).defer(DELIVER_POST, post_id=post_id)
        notify_caption_mentions(conn, post_id, author_id, caption)
    return post_id


def edit_post(conn: psycopg.Connection, post_id: int, author_id: int, caption: str, alt_text: str) -> bool:
    """Change the author's own post's caption and alt text, its tags to the new caption's and its
    mention notifications to the new caption's mentions, in one transaction; False when there is no
    such post of theirs."""
    with conn.transaction():
        old_caption = PostRepository(conn).update_text(post_id, author_id, caption, alt_text)
        if old_caption is None:
            return False
        # The UPDATE holds the post's row: two edits of one post sync their tags and mentions one
        # after the other, each against the caption the other left.
        HashtagRepository(conn).set_post_tags(post_id, hashtags(caption))
        notify_caption_mentions(conn, post_id, author_id, caption, old_caption)
    return True


def delete_post(conn: psycopg.Connection, store: MediaStore, post_id: int, author_id: int) -> bool:
    """Delete the author's own post (likes and tags cascade), then its photo; False when nothing matched."""
    with conn.transaction():
        key = PostRepository(conn).delete(post_id, author_id)
    delete_unreferenced(store, [key])
    return key is not None
