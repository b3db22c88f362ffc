"""The tasks the worker runs. Each is a thin wrapper: the work is a service function taking `conn`.

Every task is safe to run twice (a worker killed mid-job leaves it to run again): its writes are
idempotent (ON CONFLICT DO NOTHING), in short transactions.
"""

import procrastinate

from photoshare.jobs.queue import queue
from photoshare.repositories.jobs import BACKFILL_FOLLOW, DELIVER_POST, FEED_QUEUE
from photoshare.services import feeds

# A failure (the database restarting, a row locked by a deletion) is retried, sooner first.
RETRY = procrastinate.RetryStrategy(max_attempts=8, exponential_wait=2)
# How often a worker looks for jobs left 'doing' by a worker whose heartbeat stopped.
STALLED_JOBS_CRON = "* * * * * */5"


def _pool(context):
    return context.additional_context["flask_app"].extensions["db_pool"]


@queue.task(name=DELIVER_POST, queue=FEED_QUEUE, pass_context=True, retry=RETRY)
def deliver_post(context, post_id: int) -> int:
    """Copy a new post into its author's followers' timelines (or make the author a pull account)."""
    threshold = context.additional_context["flask_app"].config["FEED_PULL_THRESHOLD"]
    with _pool(context).connection() as conn:
        return feeds.deliver_post(conn, post_id, threshold)


@queue.task(name=BACKFILL_FOLLOW, queue=FEED_QUEUE, pass_context=True, retry=RETRY)
def backfill_follow(context, follower_id: int, followee_id: int) -> int:
    """Copy the older posts of a newly followed account into the follower's timeline."""
    with _pool(context).connection() as conn:
        return feeds.backfill_follow(conn, follower_id, followee_id)


@queue.periodic(cron=STALLED_JOBS_CRON)
@queue.task(name="retry_stalled_jobs", queue="maintenance", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> int:
    """Queue again the jobs of workers that stopped sending heartbeats (killed, or their host lost)."""
    seconds = context.additional_context["flask_app"].config["WORKER_STALLED_SECONDS"]
    stalled = await context.app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds)
    for job in stalled:
        await context.app.job_manager.retry_job(job)
    return len(stalled)
