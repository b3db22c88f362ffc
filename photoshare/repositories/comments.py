"""Comments under posts."""

import psycopg
from psycopg import errors as pgerrors

from photoshare.data.queries import fetch_record, fetch_records, queries
from photoshare.errors import PostNotFound
from photoshare.models import Comment, CommentOwners
from photoshare.pagination import Cursor
from photoshare.repositories._unit import require_unit_of_work


class CommentRepository:
    """The comment table (posts.comment_count follows it by trigger)."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def add(self, post_id: int, user_id: int, body: str) -> Comment:
        """Add a comment (body as stored: see web.posts.forms.clean_text); raises PostNotFound."""
        require_unit_of_work(self.conn)
        try:
            return fetch_record(self.conn, queries.insert_comment, Comment, post_id=post_id, user_id=user_id,
                                body=body)
        except pgerrors.ForeignKeyViolation as exc:
            # The caller's transaction is aborted; it rolls back on the way out.
            raise PostNotFound(post_id) from exc

    def page(self, post_id: int, after: Cursor | None = None, limit: int = 50) -> list[Comment]:
        """A post's comments after the cursor, oldest first."""
        after = after or Cursor.origin()
        return fetch_records(self.conn, queries.list_comments_after, Comment, post_id=post_id,
                             after_created_at=after.created_at, after_id=after.id, limit=limit)

    def count(self, post_id: int) -> int | None:
        """A post's exact comment count; None for a missing post."""
        return queries.get_comment_count(self.conn, post_id=post_id)

    def delete(self, comment_id: int, user_id: int) -> int | None:
        """Delete a comment written by the user or under the user's post; returns its post's id,
        None when nothing matched (missing, or not theirs to delete: see owners())."""
        require_unit_of_work(self.conn)
        return queries.delete_comment(self.conn, id=comment_id, user_id=user_id)

    def owners(self, comment_id: int) -> CommentOwners | None:
        """Who wrote a comment and its post; None when the comment is missing."""
        return fetch_record(self.conn, queries.get_comment_owners, CommentOwners, id=comment_id)
