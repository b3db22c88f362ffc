"""Timelines: copies of push accounts' posts for their followers' home feeds."""

from datetime import datetime

import psycopg

from photoshare.data.queries import fetch_record, queries
from photoshare.models import DeliveryBatch, PostDelivery
from photoshare.repositories._unit import require_unit_of_work


class TimelineRepository:
    """The timeline table and profile.feed_mode, as the delivery jobs see them."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def lock_author(self, author_id: int) -> None:
        """Hold the author's delivery lock exclusive until commit (follows and unfollows of them wait)."""
        require_unit_of_work(self.conn)
        queries.lock_author_deliveries(self.conn, author_id=author_id)

    def delivery(self, post_id: int) -> PostDelivery | None:
        """The post's author and the author's feed mode and follower count; None for a missing post."""
        return fetch_record(self.conn, queries.get_post_delivery, PostDelivery, post_id=post_id)

    def set_pull(self, author_id: int) -> None:
        """Make the author a pull account: their followers read their posts, nothing is copied any more."""
        require_unit_of_work(self.conn)
        queries.set_feed_mode_pull(self.conn, user_id=author_id)

    def deliver_batch(self, post_id: int, author_id: int, after_created_at: datetime, after_id: int,
                      limit: int) -> DeliveryBatch:
        """Copy the post to the author's next `limit` followers after the cursor (a repeat copies nothing)."""
        require_unit_of_work(self.conn)
        return fetch_record(self.conn, queries.deliver_post_batch, DeliveryBatch, post_id=post_id,
                            author_id=author_id, after_created_at=after_created_at, after_id=after_id,
                            limit=limit)

    def backfill(self, follower_id: int, followee_id: int) -> int:
        """Copy every post of a followed push account into the follower's timeline; returns rows added."""
        require_unit_of_work(self.conn)
        return queries.backfill_timeline(self.conn, follower_id=follower_id, followee_id=followee_id)
