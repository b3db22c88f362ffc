"""Home feed delivery, run by the worker: copying posts into followers' timelines (push), or
making an account with very many followers a pull account (README, "The home feed")."""

from datetime import UTC, datetime

import psycopg

from photoshare.repositories import TimelineRepository

# Followers a post is copied to per transaction: short transactions keep the author's delivery
# lock (which their follows and unfollows wait for) held for milliseconds, not seconds.
DELIVERY_BATCH = 1000
_BEFORE_ANY_FOLLOW = (datetime.min.replace(tzinfo=UTC), 0)


def deliver_post(conn: psycopg.Connection, post_id: int, pull_threshold: int) -> int:
    """Copy a new post into the timeline of each of its author's followers; returns how many.

    An author with `pull_threshold` followers or more becomes a pull account instead (once, for
    good): their followers' home feeds read their posts, and nothing is copied. Safe to run again
    after a crash: copies that exist are left alone.
    """
    timelines = TimelineRepository(conn)
    post = timelines.delivery(post_id)
    if post is None or post.feed_mode == "pull":
        return 0
    if post.follower_count >= pull_threshold:
        with conn.transaction():
            timelines.set_pull(post.user_id)
        return 0
    delivered = 0
    after_created_at, after_id = _BEFORE_ANY_FOLLOW
    while True:
        with conn.transaction():
            timelines.lock_author(post.user_id)
            batch = timelines.deliver_batch(post_id, post.user_id, after_created_at, after_id, DELIVERY_BATCH)
        delivered += batch.followers
        if batch.followers < DELIVERY_BATCH:
            return delivered
        after_created_at, after_id = batch.last_created_at, batch.last_id


def backfill_follow(conn: psycopg.Connection, follower_id: int, followee_id: int) -> int:
    """Copy all posts of a followed push account into the follower's timeline (the follow copied the
    newest); nothing if they no longer follow it. Returns the rows added."""
    timelines = TimelineRepository(conn)
    with conn.transaction():
        timelines.lock_author(followee_id)
        return timelines.backfill(follower_id, followee_id)
