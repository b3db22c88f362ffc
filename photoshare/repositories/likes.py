"""Likes."""

import psycopg
from psycopg import errors as pgerrors

from photoshare.data.queries import fetch_record, fetch_records, queries
from photoshare.errors import PostNotFound
from photoshare.models import Liker, LikeState
from photoshare.pagination import Cursor
from photoshare.repositories._unit import require_unit_of_work, savepoint


class LikeRepository:
    """The like_post table (posts.like_count follows it by trigger)."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def like(self, user_id: int, post_id: int) -> bool:
        """Like a post; True if a like was added, False if it already existed."""
        try:
            with savepoint(self.conn):
                return queries.insert_like(self.conn, user_id=user_id, post_id=post_id) == 1
        except pgerrors.ForeignKeyViolation as exc:
            raise PostNotFound(post_id) from exc

    def unlike(self, user_id: int, post_id: int) -> bool:
        """Remove a like; True if one was removed."""
        require_unit_of_work(self.conn)
        return queries.delete_like(self.conn, user_id=user_id, post_id=post_id) == 1

    def state(self, user_id: int, post_id: int) -> LikeState | None:
        """The post's like count and whether the user likes it; None for a missing post."""
        return fetch_record(self.conn, queries.get_like_state, LikeState, user_id=user_id, post_id=post_id)

    def likers(self, post_id: int, before: Cursor | None = None, limit: int = 50) -> list[Liker]:
        """Who liked a post, most recent first."""
        before = before or Cursor.start()
        return fetch_records(self.conn, queries.list_likers_before, Liker, post_id=post_id,
                             before_created_at=before.created_at, before_id=before.id, limit=limit)

