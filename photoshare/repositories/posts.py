"""Posts: the home feed, explore and profile grids."""

import psycopg
from psycopg import errors as pgerrors

from photoshare.data.queries import fetch_records, queries
from photoshare.errors import UserNotFound
from photoshare.models import Post
from photoshare.pagination import Cursor
from photoshare.repositories._unit import require_unit_of_work, savepoint


class PostRepository:
    """The posts table."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def reserve_id(self) -> int:
        """A new post id, needed before the insert because the media key contains it."""
        return queries.reserve_post_id(self.conn)

    def add(self, post_id: int, user_id: int, image: str, caption: str = "", alt_text: str = "",
            image_width: int = 0, image_height: int = 0, image_bytes: int = 0) -> None:
        """Insert a post under a reserved id; raises UserNotFound for a missing author."""
        try:
            with savepoint(self.conn):
                queries.insert_post(self.conn, id=post_id, user_id=user_id, caption=caption, alt_text=alt_text,
                                    image=image, image_width=image_width, image_height=image_height,
                                    image_bytes=image_bytes)
        except pgerrors.ForeignKeyViolation as exc:
            raise UserNotFound(user_id) from exc

    def get(self, post_id: int, viewer_id: int = 0) -> Post | None:
        """One post with its author, and whether the viewer likes it; None when missing."""
        found = fetch_records(self.conn, queries.get_post_by_id, Post, id=post_id, viewer_id=viewer_id)
        return found[0] if found else None

    def update_text(self, post_id: int, user_id: int, caption: str, alt_text: str) -> str | None:
        """Edit the author's own post; returns the caption it replaced, None when there is no such
        post of theirs."""
        require_unit_of_work(self.conn)
        return queries.update_post_text(self.conn, id=post_id, user_id=user_id,
                                        caption=caption, alt_text=alt_text)

    def delete(self, post_id: int, user_id: int) -> str | None:
        """Delete the author's own post; returns its media key, or None when nothing matched."""
        require_unit_of_work(self.conn)
        return queries.delete_post(self.conn, id=post_id, user_id=user_id)

    def home_feed(self, viewer_id: int, before: Cursor | None = None, limit: int = 20) -> list[Post]:
        """A home feed page: the viewer's posts and those of the accounts they follow, older than the
        cursor, newest first (one statement at any depth)."""
        before = before or Cursor.start()
        return fetch_records(self.conn, queries.list_home_feed_before, Post, viewer_id=viewer_id,
                             before_created_at=before.created_at, before_id=before.id, limit=limit)

    def feed(self, viewer_id: int, before: Cursor | None = None, limit: int = 20) -> list[Post]:
        """An explore page: every user's posts older than the cursor, newest first."""
        before = before or Cursor.start()
        return fetch_records(self.conn, queries.list_feed_before, Post, viewer_id=viewer_id,
                             before_created_at=before.created_at, before_id=before.id, limit=limit)

    def by_user(self, user_id: int, viewer_id: int, before: Cursor | None = None, limit: int = 24) -> list[Post]:
        """A profile grid page: one user's posts older than the cursor, newest first."""
        before = before or Cursor.start()
        return fetch_records(self.conn, queries.list_user_posts_before, Post, user_id=user_id,
                             viewer_id=viewer_id, before_created_at=before.created_at,
                             before_id=before.id, limit=limit)
