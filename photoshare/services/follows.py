"""Following and unfollowing: the follow row, the counters (by trigger) and the follower's timeline."""

import psycopg

from photoshare.errors import CannotFollowSelf, UserNotFound
from photoshare.models import FollowState
from photoshare.repositories import FollowRepository, JobRepository
from photoshare.repositories.jobs import BACKFILL_FOLLOW

# Posts of a newly followed account copied into the follower's timeline inside the follow itself:
# a home feed page, so the first page is right at once; the backfill job copies the rest.
FOLLOW_BACKFILL_NOW = 20


def follow_account(conn: psycopg.Connection, follower_id: int, username: str) -> FollowState:
    """Follow the account with this username (idempotent); raises UserNotFound or CannotFollowSelf.

    Its newest posts are on the follower's home feed when this returns; older ones follow within
    seconds (a backfill job, deferred in the same transaction)."""
    follows = FollowRepository(conn)
    with conn.transaction():
        followee_id = _locked_account(follows, follower_id, username)
        change = follows.follow(follower_id, followee_id, FOLLOW_BACKFILL_NOW)
        if change.more:
            JobRepository(conn).defer(BACKFILL_FOLLOW, follower_id=follower_id, followee_id=followee_id)
    return follows.state(follower_id, followee_id)


def unfollow_account(conn: psycopg.Connection, follower_id: int, username: str) -> FollowState:
    """Unfollow the account (idempotent): its posts leave the follower's home feed when this returns."""
    follows = FollowRepository(conn)
    with conn.transaction():
        followee_id = _locked_account(follows, follower_id, username)
        follows.unfollow(follower_id, followee_id)
    return follows.state(follower_id, followee_id)


def _locked_account(follows: FollowRepository, follower_id: int, username: str) -> int:
    followee_id = follows.lock_account(username)
    if followee_id is None:
        raise UserNotFound(username)
    if followee_id == follower_id:
        raise CannotFollowSelf(username)
    return followee_id
