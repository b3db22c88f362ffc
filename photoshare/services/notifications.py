"""Mention notifications: whom a caption or comment mentions is the tokenizer's call (photoshare/tokens.py),
so these run in the app, in the transaction that writes the text. Likes, comments and follows notify
through triggers on their own tables (sql/schema.sql)."""

import psycopg

from photoshare.repositories import NotificationRepository
from photoshare.tokens import mention_names


def _others(text: str, author: str) -> list[str]:
    # A self-mention notifies nobody: leaving it out spares most texts the statement.
    return [name for name in mention_names(text) if name != author.lower()]


def notify_caption_mentions(conn: psycopg.Connection, post_id: int, author_id: int, caption: str,
                            old_caption: str = "") -> None:
    """Make the post's mention notifications match its caption (new post, or edited caption); the
    query leaves out the author."""
    names = mention_names(caption)
    if names or mention_names(old_caption):
        NotificationRepository(conn).sync_caption_mentions(post_id, author_id, names)


def notify_comment_mentions(conn: psycopg.Connection, comment_id: int, author: str, body: str) -> None:
    """Notify the accounts a new comment mentions (not its post's author: they hear of the comment)."""
    names = _others(body, author)
    if names:
        NotificationRepository(conn).add_comment_mentions(comment_id, names)
