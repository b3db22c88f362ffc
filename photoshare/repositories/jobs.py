"""The job queue, as the app writes to it: jobs deferred inside the caller's transaction."""

import psycopg
from psycopg.types.json import Jsonb

from photoshare.data.queries import queries
from photoshare.repositories._unit import require_unit_of_work

# The tasks the worker runs (photoshare/jobs/tasks.py registers these names) and their queue.
FEED_QUEUE = "feed"
DELIVER_POST = "deliver_post"
BACKFILL_FOLLOW = "backfill_follow"


class JobRepository:
    """procrastinate_jobs, written through procrastinate's own defer function on our connection."""

    def __init__(self, conn: psycopg.Connection):
        self.conn = conn

    def defer(self, task_name: str, queue: str = FEED_QUEUE, **args) -> int:
        """Queue a job with these keyword arguments; it exists only if the caller's transaction commits."""
        require_unit_of_work(self.conn)
        return queries.defer_job(self.conn, queue=queue, task_name=task_name, args=Jsonb(args))
