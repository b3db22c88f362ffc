"""Notifications (the like, follow and comment rows are written by triggers on those tables)."""

import psycopg

from photoshare.data.queries import fetch_records, queries
from photoshare.models import NotificationEntry
from photoshare.pagination import Cursor
from photoshare.repositories._unit import require_unit_of_work


class NotificationRepository:
    """The notification table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def sync_caption_mentions(self, post_id: int, author_id: int, usernames: list[str]) -> None:
        """Notify the accounts the post's caption mentions (lower-cased names), and only them."""
        require_unit_of_work(self.conn)
        queries.sync_caption_mentions(self.conn, post_id=post_id, author_id=author_id, usernames=usernames)

    def add_comment_mentions(self, comment_id: int, usernames: list[str]) -> None:
        """Notify the accounts a new comment mentions (lower-cased names)."""
        require_unit_of_work(self.conn)
        queries.insert_comment_mentions(self.conn, comment_id=comment_id, usernames=usernames)

    def page(self, recipient_id: int, before: Cursor | None = None, limit: int = 20,
             mark_read: int = 0) -> list[NotificationEntry]:
        """The user's entries older than the cursor, newest first, and marking the first `mark_read` of
        them read (those a page shows), in one statement."""
        before = before or Cursor.start()
        return fetch_records(self.conn, queries.list_notifications_before, NotificationEntry,
                             recipient_id=recipient_id, before_created_at=before.created_at,
                             before_id=before.id, limit=limit, mark=mark_read)
