"""The job queue with real worker processes (`flask --app wsgi worker`): a new post reaches its
author's followers within seconds, and a worker killed with SIGKILL in the middle of a delivery
loses nothing (the job runs again on another worker) and doubles nothing."""

import time

import psycopg

from photoshare.repositories import JobRepository
from photoshare.repositories.jobs import DELIVER_POST
from photoshare.services.feeds import DELIVERY_BATCH
from tests.support.actions import seed_posts, seed_user
from tests.support.worker import WorkerProcess, running_worker, wait_for, worker_env

# Short heartbeats, so that a killed worker's job is found stalled in seconds, not half a minute.
FAST = {"WORKER_HEARTBEAT_SECONDS": 0.5, "WORKER_STALLED_SECONDS": 2}


def add_followers(db, author_id: int, count: int) -> list[int]:
    """`count` new accounts following the author, one millisecond apart (their order in a delivery)."""
    rows = db.execute(
        "WITH new AS (INSERT INTO users (username, email, password) "
        "  SELECT 'fan' || i, 'fan' || i || '@example.com', 'scrypt:32768:8:1$salt$hash' "
        "  FROM generate_series(1, %(n)s) i RETURNING id), "
        "profiles AS (INSERT INTO profile (user_id) SELECT id FROM new) "
        "SELECT id FROM new ORDER BY id", {"n": count}).fetchall()
    fans = [row["id"] for row in rows]
    db.execute("INSERT INTO follow (follower_id, followee_id, created_at) "
               "SELECT fan, %(a)s, now() + n * interval '1 millisecond' "
               "FROM unnest(%(fans)s::bigint[]) WITH ORDINALITY AS f(fan, n)", {"a": author_id, "fans": fans})
    return fans


def queue_delivery(database_url: str, post_id: int) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn, conn.transaction():
        JobRepository(conn).defer(DELIVER_POST, post_id=post_id)


def copies(db, post_id: int) -> int:
    return db.execute("SELECT count(*) AS n FROM timeline WHERE post_id = %s", (post_id,)).fetchone()["n"]


def test_a_worker_delivers_a_new_post_within_seconds(database_url, db):
    author = seed_user(db, "author")
    fans = add_followers(db, author, 300)
    with running_worker(worker_env(database_url, **FAST)):
        [post_id] = seed_posts(db, author, 1)
        started = time.monotonic()
        queue_delivery(database_url, post_id)
        wait_for(lambda: copies(db, post_id) == len(fans), timeout=5, what="delivery to 300 followers")
        assert time.monotonic() - started < 5
        wait_for(lambda: not db.execute("SELECT 1 FROM procrastinate_jobs WHERE task_name = 'deliver_post'")
                 .fetchall(), what="the finished job's removal")


def test_a_worker_killed_mid_delivery_loses_nothing_and_doubles_nothing(database_url, db):
    author = seed_user(db, "author")
    total = 2 * DELIVERY_BATCH + 500
    fans = add_followers(db, author, total)
    [post_id] = seed_posts(db, author, 1)
    env = worker_env(database_url, **FAST)
    # A follower in the second batch is locked as a deletion of the account would lock it, in a
    # transaction that stays open: the second batch waits for that row after the first committed.
    blocker = psycopg.connect(database_url)
    try:
        blocker.execute("SELECT 1 FROM users WHERE id = %s FOR UPDATE", (fans[DELIVERY_BATCH + 10],))
        first = WorkerProcess(env)
        try:
            queue_delivery(database_url, post_id)
            wait_for(lambda: copies(db, post_id) == DELIVERY_BATCH, what="the first batch")
            wait_for(lambda: db.execute(
                "SELECT 1 FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND query LIKE '%%INSERT INTO timeline%%'"
            ).fetchall(), what="the second batch waiting")
            job = db.execute("SELECT status::text, worker_id FROM procrastinate_jobs WHERE task_name = 'deliver_post'"
                             ).fetchone()
            assert job == {"status": "doing", "worker_id": first.worker_id}
            first.kill()
        finally:
            first.stop()
        blocker.rollback()  # the follower stays; nothing waits any more
        time.sleep(1)
        # The killed worker's half-done transaction never committed; its job is still 'doing'.
        assert copies(db, post_id) == DELIVERY_BATCH
        assert db.execute("SELECT status::text AS s FROM procrastinate_jobs WHERE task_name = 'deliver_post'"
                          ).fetchone()["s"] == "doing"
    finally:
        blocker.close()

    with running_worker(env):
        # The new worker finds the job stalled (no heartbeat), queues it again and runs it.
        wait_for(lambda: copies(db, post_id) == total, timeout=30, what="the retried delivery")
        wait_for(lambda: not db.execute("SELECT 1 FROM procrastinate_jobs WHERE task_name = 'deliver_post'")
                 .fetchall(), what="the retried job's success")
    row = db.execute("SELECT count(*) AS n, count(DISTINCT user_id) AS people FROM timeline WHERE post_id = %s",
                     (post_id,)).fetchone()
    assert row == {"n": total, "people": total}
    assert {r["user_id"] for r in db.execute("SELECT user_id FROM timeline")} == set(fans)


def test_a_stopped_worker_exits_cleanly_and_unregisters(database_url, db):
    worker = WorkerProcess(worker_env(database_url, **FAST))
    worker.stop()
    assert worker.process.returncode == 0
    assert not db.execute("SELECT 1 FROM procrastinate_workers WHERE id = %s", (worker.worker_id,)).fetchall()
