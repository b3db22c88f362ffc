"""Likes of different posts by one author do not queue on the author's profile row, and the
profile counters stay exact through the deltas they leave when the row is busy."""

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from photoshare.repositories import LikeRepository, ProfileRepository
from tests.support.actions import seed_posts, seed_user


def profile_counters(database_url, username):
    """The counters as the profile header reads them (row plus waiting deltas)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        page = ProfileRepository(conn).page(username)
        return page.post_count, page.likes_received


def pending_deltas(db, user_id) -> int:
    return db.execute("SELECT count(*) AS n FROM profile_counter_delta WHERE user_id = %s", (user_id,)).fetchone()["n"]


def test_a_like_does_not_wait_for_another_uncommitted_like_of_the_same_author(db, database_url):
    alice = seed_user(db, "alice")
    bob, carol = seed_user(db, "bob"), seed_user(db, "carol")
    first, second = seed_posts(db, alice, 2)
    with psycopg.connect(database_url, autocommit=True) as slow, \
            psycopg.connect(database_url, autocommit=True) as fast:
        with slow.transaction():
            LikeRepository(slow).like(bob, first)  # holds alice's profile row until it commits
            # Before the change this waited for `slow` to commit: the lock timeout would fire.
            fast.execute("SET lock_timeout = '2s'")
            with fast.transaction():
                LikeRepository(fast).like(carol, second)
            # One for likes_received, one for the unread notification count (its own trigger).
            assert pending_deltas(db, alice) == 2
            assert profile_counters(database_url, "alice") == (2, 1)
    assert profile_counters(database_url, "alice") == (2, 2)


def test_an_unlike_does_not_wait_for_another_uncommitted_like_of_the_same_post(db, database_url):
    alice, bob, carol = seed_user(db, "alice"), seed_user(db, "bob"), seed_user(db, "carol")
    (post,) = seed_posts(db, alice, 1)
    db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (carol, post))
    with psycopg.connect(database_url, autocommit=True) as slow, \
            psycopg.connect(database_url, autocommit=True) as fast:
        with slow.transaction():
            LikeRepository(slow).like(bob, post)  # holds the post's row (its like_count) until it commits
            fast.execute("SET lock_timeout = '2s'")
            with fast.transaction():
                assert LikeRepository(fast).unlike(carol, post)
        assert db.execute("SELECT like_count FROM post_view WHERE id = %s", (post,)).fetchone()["like_count"] == 1


def test_the_next_like_folds_the_waiting_deltas_into_the_row(db, database_url):
    alice, bob, carol, dave = (seed_user(db, name) for name in ("alice", "bob", "carol", "dave"))
    first, second, third = seed_posts(db, alice, 3)
    with psycopg.connect(database_url, autocommit=True) as slow, \
            psycopg.connect(database_url, autocommit=True) as other:
        with slow.transaction():
            LikeRepository(slow).like(bob, first)
            with other.transaction():
                LikeRepository(other).like(carol, second)
                LikeRepository(other).unlike(carol, second)
                LikeRepository(other).like(carol, third)
    assert pending_deltas(db, alice) > 0
    with psycopg.connect(database_url, autocommit=True) as conn, conn.transaction():
        LikeRepository(conn).like(dave, first)
    assert pending_deltas(db, alice) == 0
    row = db.execute("SELECT post_count, likes_received FROM profile WHERE user_id = %s", (alice,)).fetchone()
    assert (row["post_count"], row["likes_received"]) == (3, 3)


@pytest.mark.parametrize("one_author", [True, False], ids=["one author", "fifty authors"])
def test_fifty_concurrent_likers_leave_exact_counters(db, database_url, one_author):
    authors = [seed_user(db, "alice")] if one_author else [seed_user(db, f"author{i}") for i in range(50)]
    posts = [post for author in authors for post in seed_posts(db, author, 50 // len(authors))]
    likers = [seed_user(db, f"liker{i}") for i in range(50)]
    start = threading.Barrier(50)

    def like_and_unlike(index: int) -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            likes = LikeRepository(conn)
            start.wait()
            for round_ in range(10):
                # Each liker likes a different post; every other round takes the like back.
                with conn.transaction():
                    likes.like(likers[index], posts[(index + round_) % 50])
                if round_ % 2:
                    with conn.transaction():
                        likes.unlike(likers[index], posts[(index + round_) % 50])

    with ThreadPoolExecutor(50) as pool:
        list(pool.map(like_and_unlike, range(50)))
    expected = db.execute("""
        SELECT u.username, count(p.id) AS posts, coalesce(sum(p.like_count), 0) AS likes,
               (SELECT count(*) FROM like_post l JOIN posts q ON q.id = l.post_id WHERE q.user_id = u.id) AS rows
        FROM users u LEFT JOIN post_view p ON p.user_id = u.id
        WHERE u.id = ANY(%s) GROUP BY u.id""", (authors,)).fetchall()
    assert sum(row["rows"] for row in expected) == 50 * 5
    for row in expected:
        assert row["likes"] == row["rows"]  # the posts' like counts, as post_view reads them
        assert profile_counters(database_url, row["username"]) == (row["posts"], row["rows"])
