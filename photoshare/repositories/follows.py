"""Follows."""

import psycopg
from psycopg import errors as pgerrors

from photoshare.data.queries import fetch_record, fetch_records, queries
from photoshare.errors import UserNotFound
from photoshare.models import FollowChange, FollowState, ListedAccount, SuggestedAccount
from photoshare.pagination import Cursor
from photoshare.repositories._unit import require_unit_of_work, storable


class FollowRepository:
    """The follow table (profile.follower_count and following_count follow it by trigger), and the
    timeline copies a follow or an unfollow changes at once."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def lock_account(self, username: str) -> int | None:
        """The id of the account with this username, its delivery lock held shared until commit; None if none."""
        require_unit_of_work(self.conn)
        if not storable(username):
            return None
        return queries.lock_account_to_follow(self.conn, username=username)

    def follow(self, follower_id: int, followee_id: int, backfill: int) -> FollowChange:
        """Follow (idempotent); a push account's newest `backfill` posts reach the follower's timeline now."""
        require_unit_of_work(self.conn)
        try:
            return fetch_record(self.conn, queries.insert_follow, FollowChange, follower_id=follower_id,
                                followee_id=followee_id, backfill=backfill)
        except pgerrors.ForeignKeyViolation as exc:
            raise UserNotFound(followee_id) from exc

    def unfollow(self, follower_id: int, followee_id: int) -> bool:
        """Unfollow and take the account's posts out of the follower's timeline; True if a follow was removed."""
        require_unit_of_work(self.conn)
        return queries.delete_follow(self.conn, follower_id=follower_id, followee_id=followee_id) == 1

    def state(self, follower_id: int, followee_id: int) -> FollowState | None:
        """Whether the user follows the account, and its follower count; None for a missing account."""
        return fetch_record(self.conn, queries.get_follow_state, FollowState, follower_id=follower_id,
                            followee_id=followee_id)

    def followers(self, user_id: int, viewer_id: int, before: Cursor | None = None,
                  limit: int = 50) -> list[ListedAccount]:
        """An account's followers, most recent first, with whether the viewer follows each."""
        before = before or Cursor.start()
        return fetch_records(self.conn, queries.list_followers_before, ListedAccount, user_id=user_id,
                             viewer_id=viewer_id, before_created_at=before.created_at, before_id=before.id,
                             limit=limit)

    def following(self, user_id: int, viewer_id: int, before: Cursor | None = None,
                  limit: int = 50) -> list[ListedAccount]:
        """The accounts a user follows, most recent first, with whether the viewer follows each."""
        before = before or Cursor.start()
        return fetch_records(self.conn, queries.list_following_before, ListedAccount, user_id=user_id,
                             viewer_id=viewer_id, before_created_at=before.created_at, before_id=before.id,
                             limit=limit)

    def suggestions(self, viewer_id: int, limit: int = 10) -> list[SuggestedAccount]:
        """Accounts to follow: people who liked the viewer's posts, then the most followed; none already followed."""
        return fetch_records(self.conn, queries.list_suggested_accounts, SuggestedAccount, viewer_id=viewer_id,
                             limit=limit)
