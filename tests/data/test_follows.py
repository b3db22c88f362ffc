"""Follows: idempotent, never oneself, counted exactly by the database under concurrency (without
one popular account's row becoming a queue), and the job a write needs committed with it."""

import threading

import psycopg
import pytest

from photoshare.errors import CannotFollowSelf, UserNotFound
from photoshare.media.images import process_image
from photoshare.media.local import LocalMediaStore
from photoshare.repositories import FollowRepository, JobRepository
from photoshare.services.follows import follow_account, unfollow_account
from photoshare.services.posts import publish_post
from tests.support.actions import seed_user
from tests.support.images import image_bytes

CONCURRENT = 50


def counters(db, user_id: int) -> tuple[int, int]:
    """(follower_count, following_count) as a reader sees them: the profile row plus waiting deltas."""
    row = db.execute(
        "SELECT pr.follower_count + coalesce(sum(d.follower_count), 0) AS followers, "
        "pr.following_count + coalesce(sum(d.following_count), 0) AS following "
        "FROM profile pr LEFT JOIN profile_counter_delta d ON d.user_id = pr.user_id "
        "WHERE pr.user_id = %s GROUP BY pr.id", (user_id,)).fetchone()
    return int(row["followers"]), int(row["following"])


def counted(db, user_id: int) -> tuple[int, int]:
    """The same two numbers counted from the follow rows."""
    row = db.execute("SELECT (SELECT count(*) FROM follow WHERE followee_id = %(u)s) AS followers, "
                     "(SELECT count(*) FROM follow WHERE follower_id = %(u)s) AS following", {"u": user_id}).fetchone()
    return row["followers"], row["following"]


def test_follow_twice_is_one_follow_and_unfollow_twice_is_none(conn, db):
    ann, ben = seed_user(db, "ann"), seed_user(db, "ben")
    assert follow_account(conn, ann, "ben") == follow_account(conn, ann, "BEN") == (True, 1)
    assert db.execute("SELECT count(*) AS n FROM follow").fetchone()["n"] == 1
    assert counters(db, ben) == (1, 0) and counters(db, ann) == (0, 1)
    assert unfollow_account(conn, ann, "ben") == unfollow_account(conn, ann, "ben") == (False, 0)
    assert counters(db, ben) == (0, 0) and counters(db, ann) == (0, 0)


def test_self_and_unknown_accounts_are_refused(conn, db):
    seed_user(db, "ann")
    ann = db.execute("SELECT id FROM users").fetchone()["id"]
    with pytest.raises(CannotFollowSelf):
        follow_account(conn, ann, "Ann")
    with pytest.raises(UserNotFound):
        follow_account(conn, ann, "nobody")
    with pytest.raises(UserNotFound):
        unfollow_account(conn, ann, "x\x00y")
    # The database refuses a self-follow too, whoever writes it.
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute("INSERT INTO follow (follower_id, followee_id) VALUES (%s, %s)", (ann, ann))
    assert db.execute("SELECT count(*) AS n FROM follow").fetchone()["n"] == 0


def _all_at_once(database_url: str, work) -> list[BaseException]:
    """Run work(conn, i) for i in range(CONCURRENT), each on its own connection, released together."""
    start, errors = threading.Barrier(CONCURRENT), []

    def run(i: int) -> None:
        try:
            with psycopg.connect(database_url, autocommit=True) as own:
                start.wait()
                work(own, i)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_fifty_concurrent_followers_are_counted_exactly(database_url, db):
    star = seed_user(db, "star")
    fans = [seed_user(db, f"fan{i:02d}") for i in range(CONCURRENT)]

    # Everyone follows at once, each twice (the second changes nothing).
    errors = _all_at_once(database_url, lambda own, i: (follow_account(own, fans[i], "star"),
                                                        follow_account(own, fans[i], "star")))
    assert errors == []
    assert counters(db, star) == counted(db, star) == (CONCURRENT, 0)
    assert all(counters(db, fan) == (0, 1) for fan in fans)
    # Every change landed on the row or in a delta; none was lost or doubled (readers add the deltas).
    row = db.execute("SELECT follower_count FROM profile WHERE user_id = %s", (star,)).fetchone()
    assert 1 <= row["follower_count"] <= CONCURRENT

    # Half unfollow and the other half follow again, all at once.
    errors = _all_at_once(database_url, lambda own, i: (unfollow_account if i % 2 else follow_account)(
        own, fans[i], "star"))
    assert errors == []
    assert counters(db, star) == counted(db, star) == (CONCURRENT // 2, 0)
    assert FollowRepository(db).state(fans[0], star) == (True, CONCURRENT // 2)


def test_a_follower_does_not_wait_for_another_followers_transaction(database_url, db):
    """An open follow of the account holds its profile row; another follow still completes at once."""
    star, ann, ben = seed_user(db, "star"), seed_user(db, "ann"), seed_user(db, "ben")
    with psycopg.connect(database_url, autocommit=True) as first, psycopg.connect(database_url) as second:
        second.execute("SET lock_timeout = '2s'")
        second.commit()
        with first.transaction():
            repository = FollowRepository(first)
            repository.lock_account("star")
            repository.follow(ann, star, backfill=20)
            # Still open: ann's follow holds star's profile row. Ben's follow must not queue behind it.
            follow_account(second, ben, "star")
        assert counters(db, star) == counted(db, star) == (2, 0)


def test_a_job_exists_only_if_its_transaction_commits(conn, db):
    with conn.transaction():
        JobRepository(conn).defer("deliver_post", post_id=1)
    with pytest.raises(RuntimeError, match="rolled back"):
        with conn.transaction():
            JobRepository(conn).defer("deliver_post", post_id=2)
            raise RuntimeError("rolled back")
    jobs = db.execute("SELECT task_name, args, queue_name, status::text FROM procrastinate_jobs").fetchall()
    assert jobs == [{"task_name": "deliver_post", "args": {"post_id": 1}, "queue_name": "feed", "status": "todo"}]


def test_a_published_post_always_has_its_delivery_job(conn, db, tmp_path):
    author = seed_user(db, "ann")
    store = LocalMediaStore(tmp_path)
    post_id = publish_post(conn, store, author, process_image(image_bytes(), "post"))
    jobs = db.execute("SELECT task_name, args FROM procrastinate_jobs").fetchall()
    assert jobs == [{"task_name": "deliver_post", "args": {"post_id": post_id}}]
    # A post whose insert fails (its author is gone) leaves no job behind.
    with pytest.raises(UserNotFound):
        publish_post(conn, store, 987654, process_image(image_bytes(), "post"))
    assert db.execute("SELECT count(*) AS n FROM procrastinate_jobs").fetchone()["n"] == 1
