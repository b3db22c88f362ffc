"""Taking back a like, a comment or a follow while the account it concerns is being deleted never
deadlocks.

An account deletion first locks the account's profile, posts and users row, then deletes it, the
cascade taking the likes and comments of its posts and its follows. An unlike, comment deletion or
unfollow that took its own row first and then needed the post or account (its counter trigger's
delta row checks that key) would wait for the deletion while the deletion waited for its row: each
takes the post or account first instead. The test makes that interleaving happen: the deletion
holds its locks, the removal starts, then the deletion deletes.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from photoshare.errors import UserNotFound
from photoshare.repositories import CommentRepository, LikeRepository, UserRepository
from photoshare.services.follows import unfollow_account
from tests.support.actions import seed_posts, seed_user, wait_until_blocked


def unlike(conn, bob, post_id, comment_id):
    return LikeRepository(conn).unlike(bob, post_id)


def delete_comment(conn, bob, post_id, comment_id):
    return CommentRepository(conn).delete(comment_id, bob) is not None


def unfollow(conn, bob, post_id, comment_id):
    try:
        return unfollow_account(conn, bob, "alice").following
    except UserNotFound:
        return False


@pytest.mark.parametrize("remove", [unlike, delete_comment, unfollow], ids=["unlike", "comment deletion", "unfollow"])
def test_a_removal_racing_the_accounts_deletion_waits_for_it_instead_of_deadlocking(db, database_url, remove):
    alice, bob = seed_user(db, "alice"), seed_user(db, "bob")
    (post_id,) = seed_posts(db, alice, 1)
    db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (bob, post_id))
    db.execute("INSERT INTO follow (follower_id, followee_id) VALUES (%s, %s)", (bob, alice))
    comment_id = db.execute("INSERT INTO comment (post_id, user_id, body) VALUES (%s, %s, 'hi') RETURNING id",
                            (post_id, bob)).fetchone()["id"]
    held = threading.Event()

    def removal() -> bool:
        with psycopg.connect(database_url, autocommit=True) as conn:
            held.wait()
            with conn.transaction():
                return remove(conn, bob, post_id, comment_id)

    with psycopg.connect(database_url, autocommit=True) as deleter, ThreadPoolExecutor(1) as pool:
        users = UserRepository(deleter)
        with deleter.transaction():
            users.lock_for_deletion(alice)
            removed = pool.submit(removal)
            held.set()
            wait_until_blocked(db)
            # A deadlock raises here or in the removal (whichever PostgreSQL picks as its victim).
            assert users.delete(alice)
        assert removed.result(timeout=30) is False  # nothing left to remove: the deletion took it
    left = db.execute("SELECT (SELECT count(*) FROM like_post) + (SELECT count(*) FROM comment)"
                      " + (SELECT count(*) FROM follow) AS n").fetchone()
    assert left["n"] == 0


def test_a_post_author_deleting_a_comment_waits_for_the_deletion_of_its_writers_account(db, database_url):
    # The writer's deletion removes the comment and its notifications by cascades, in an order that
    # is the catalog's, not ours; the author's comment deletion removes the same rows. It takes the
    # writer's account first, so it waits before holding any of them (and then finds nothing).
    alice, bob = seed_user(db, "alice"), seed_user(db, "bob")
    (post_id,) = seed_posts(db, alice, 1)
    comment_id = db.execute("INSERT INTO comment (post_id, user_id, body) VALUES (%s, %s, 'hi')"
                            " RETURNING id", (post_id, bob)).fetchone()["id"]
    assert db.execute("SELECT count(*) AS n FROM notification").fetchone()["n"] == 1  # alice's

    def author_deletes_the_comment():
        with psycopg.connect(database_url, autocommit=True) as conn, conn.transaction():
            return CommentRepository(conn).delete(comment_id, alice)

    with psycopg.connect(database_url, autocommit=True) as deleter, ThreadPoolExecutor(1) as pool:
        users = UserRepository(deleter)
        with deleter.transaction():
            users.lock_for_deletion(bob)
            removed = pool.submit(author_deletes_the_comment)
            wait_until_blocked(db)
            assert users.delete(bob)
        assert removed.result(timeout=30) is None  # the deletion took the comment
    assert db.execute("SELECT (SELECT count(*) FROM comment) + (SELECT count(*) FROM notification) AS n"
                      ).fetchone()["n"] == 0
    assert db.execute("SELECT comment_count FROM post_view WHERE id = %s", (post_id,)).fetchone()["comment_count"] == 0
