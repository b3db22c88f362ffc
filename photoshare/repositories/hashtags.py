"""Hashtags: a post's tags and tag pages."""

import psycopg

from photoshare.data.queries import fetch_record, fetch_records, fetch_values, queries
from photoshare.models import Hashtag, Post
from photoshare.pagination import Cursor
from photoshare.repositories._unit import require_unit_of_work


class HashtagRepository:
    """The hashtag and post_hashtag tables."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def set_post_tags(self, post_id: int, names: list[str]) -> None:
        """Make the post's tags exactly `names` (tokens.tag_key()s), creating tags never seen before."""
        require_unit_of_work(self.conn)
        if names:
            queries.insert_hashtags(self.conn, names=names)
        # Two statements: the second's snapshot sees a tag that a concurrent post made first.
        queries.sync_post_hashtags(self.conn, post_id=post_id, names=names)

    def post_tags(self, post_id: int) -> list[str]:
        """The post's tags, by name."""
        return fetch_values(self.conn, queries.list_post_hashtags, post_id=post_id)

    def get(self, name: str) -> Hashtag | None:
        """The tag whose tokens.tag_key() is `name`, with its post count; None when no post ever had it."""
        return fetch_record(self.conn, queries.get_hashtag_by_name, Hashtag, name=name)

    def posts(self, hashtag_id: int, viewer_id: int, before: Cursor | None = None, limit: int = 20) -> list[Post]:
        """A tag page: the tag's posts older than the cursor, newest first (one index range at any depth)."""
        before = before or Cursor.start()
        return fetch_records(self.conn, queries.list_hashtag_posts_before, Post, hashtag_id=hashtag_id,
                             viewer_id=viewer_id, before_created_at=before.created_at, before_id=before.id,
                             limit=limit)
