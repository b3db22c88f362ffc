"""Deleting an account never deadlocks: with likes and unlikes of its posts going on, and with the
account whose posts it liked being deleted at the same moment, every deletion succeeds.

Each round runs the flows the views call, on their own connections, against one PostgreSQL: a
deadlock is a DeadlockDetected raised in one of them (PostgreSQL picks a victim after
deadlock_timeout, 1 s), so "every deletion succeeds" and "no deadlock anywhere" are checked apart.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg import errors as pgerrors

from photoshare.errors import PostNotFound
from photoshare.media.local import LocalMediaStore
from photoshare.repositories import LikeRepository
from photoshare.services import accounts
from tests.support.actions import seed_posts, seed_user

ROUNDS = 20
LIKERS = 4
POSTS_EACH = 8


def _like_until(database_url, liker: int, posts: list[int], stop: threading.Event, failures: list) -> int:
    """Like and unlike the posts in a loop until told to stop; returns how many changes committed."""
    done = 0
    with psycopg.connect(database_url, autocommit=True) as conn:
        likes = LikeRepository(conn)
        while not stop.is_set():
            for post_id in posts:
                for change in (likes.like, likes.unlike):
                    try:
                        with conn.transaction():
                            change(liker, post_id)
                        done += 1
                    except PostNotFound:
                        pass  # the post went with its author: a clean 404 for the liker
                    except psycopg.Error as exc:
                        failures.append(exc)
    return done


def _delete(database_url, store, user_id: int, start: threading.Barrier) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        start.wait()
        accounts.delete_account(conn, store, user_id)


def _check_counters(db) -> None:
    wrong_posts = db.execute("""
        SELECT p.id FROM posts p LEFT JOIN like_post l ON l.post_id = p.id
        GROUP BY p.id HAVING p.like_count <> count(l.id)""").fetchall()
    wrong_profiles = db.execute("""
        SELECT pr.user_id FROM profile pr
        WHERE pr.likes_received + (SELECT coalesce(sum(likes_received), 0) FROM profile_counter_delta d
                                   WHERE d.user_id = pr.user_id)
              <> (SELECT coalesce(sum(like_count), 0) FROM posts p WHERE p.user_id = pr.user_id)""").fetchall()
    assert wrong_posts == [] and wrong_profiles == []


def test_deletions_succeed_during_likes_and_crossed_deletions(db, database_url, tmp_path):
    store = LocalMediaStore(tmp_path / "media")
    likers = [seed_user(db, f"liker{i}") for i in range(LIKERS)]
    for round_ in range(ROUNDS):
        first, second = seed_user(db, f"first{round_}"), seed_user(db, f"second{round_}")
        first_posts, second_posts = seed_posts(db, first, POSTS_EACH), seed_posts(db, second, POSTS_EACH)
        # Each liked every post of the other one: deleting either one changes the other's counters.
        for user, posts in ((first, second_posts), (second, first_posts)):
            for post_id in posts:
                db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (user, post_id))
        stop, failures = threading.Event(), []
        start = threading.Barrier(2)
        with ThreadPoolExecutor(LIKERS + 2) as pool:
            liking = [pool.submit(_like_until, database_url, liker, first_posts + second_posts, stop, failures)
                      for liker in likers]
            try:
                time.sleep(0.05)  # the likes are flowing
                deletions = [pool.submit(_delete, database_url, store, user, start) for user in (first, second)]
                for deletion in deletions:
                    deletion.result(timeout=60)  # raises what the deletion raised
            finally:
                stop.set()
            assert sum(f.result(timeout=60) for f in liking) > 0
        deadlocks = [exc for exc in failures if isinstance(exc, pgerrors.DeadlockDetected)]
        assert not deadlocks, f"round {round_}: {deadlocks[0]}"
        assert failures == [], f"round {round_}: {failures[0]!r}"
        gone = db.execute("SELECT count(*) AS n FROM users WHERE id IN (%s, %s)", (first, second)).fetchone()
        assert gone["n"] == 0, f"round {round_}"
        _check_counters(db)
