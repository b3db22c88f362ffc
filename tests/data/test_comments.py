"""Comments in the database: the repository, keyset pages, cascades, and counters exact under
concurrency without queueing on the post's row (likes of one post included)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg
import pytest

from photoshare.errors import PostNotFound
from photoshare.pagination import Cursor
from photoshare.repositories import CommentRepository, LikeRepository, PostRepository, ProfileRepository
from tests.support.actions import seed_posts, seed_user


def comment_count(database_url, post_id) -> int:
    """The post's count as the pages read it (post_view: the row plus waiting deltas)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        return CommentRepository(conn).count(post_id)


def counted(db, post_id) -> dict:
    """The comment and like rows of a post, counted."""
    return db.execute("SELECT (SELECT count(*) FROM comment WHERE post_id = %(p)s) AS comments, "
                      "(SELECT count(*) FROM like_post WHERE post_id = %(p)s) AS likes", {"p": post_id}).fetchone()


def add(conn, post_id, user_id, body="nice"):
    with conn.transaction():
        return CommentRepository(conn).add(post_id, user_id, body)


def test_a_comment_comes_back_with_its_author_and_the_accounts_it_mentions(conn, db):
    alice, bob = seed_user(db, "alice"), seed_user(db, "Bob.Smith")
    [post] = seed_posts(db, alice, 1)
    comment = add(conn, post, alice, "hi @bob.smith and @nobody, mail me at x@alice")
    assert (comment.user_id, comment.author) == (alice, "alice")
    assert comment.body == "hi @bob.smith and @nobody, mail me at x@alice"
    # Every account the text's @names may mean (the tokenizer decides which are mentions).
    assert sorted(comment.mentions) == ["Bob.Smith", "alice"]
    assert add(conn, post, bob, "no names here").mentions is None
    assert CommentRepository(conn).count(post) == 2


def test_a_comment_on_a_missing_post_is_post_not_found(conn, db):
    alice = seed_user(db, "alice")
    with pytest.raises(PostNotFound):
        add(conn, 999, alice)
    assert db.execute("SELECT count(*) AS n FROM comment").fetchone()["n"] == 0


@pytest.mark.parametrize(("body", "constraint"), [
    ("", "comment_body_length"), ("x" * 2201, "comment_body_length"),
    ("a\r\nb", "comment_body_line_ends"), (" \n\t", "comment_body_not_blank")])
def test_the_database_refuses_bodies_the_form_would_refuse(db, body, constraint):
    alice = seed_user(db, "alice")
    [post] = seed_posts(db, alice, 1)
    with pytest.raises(psycopg.errors.CheckViolation) as refused:
        db.execute("INSERT INTO comment (post_id, user_id, body) VALUES (%s, %s, %s)", (post, alice, body))
    assert refused.value.diag.constraint_name == constraint
    db.execute("INSERT INTO comment (post_id, user_id, body) VALUES (%s, %s, %s)", (post, alice, "é" * 2200))


def test_keyset_pages_of_120_comments_oldest_first_across_equal_times(conn, db):
    alice = seed_user(db, "alice")
    [post, other] = seed_posts(db, alice, 2)
    stamp = datetime(2024, 5, 1, tzinfo=UTC)
    # 60 share one created_at: the id breaks the tie.
    ids = [db.execute("INSERT INTO comment (post_id, user_id, body, created_at) VALUES (%s, %s, %s, %s) RETURNING id",
                      (post, alice, f"c{i}", stamp if i < 60 else datetime(2024, 5, 2 + i % 7, tzinfo=UTC)))
           .fetchone()["id"] for i in range(120)]
    db.execute("INSERT INTO comment (post_id, user_id, body) VALUES (%s, %s, 'elsewhere')", (other, alice))
    expected = [row["id"] for row in db.execute(
        "SELECT id FROM comment WHERE post_id = %s ORDER BY created_at, id", (post,))]
    assert sorted(expected) == ids
    repository, seen, after = CommentRepository(conn), [], None
    for _ in range(4):
        page = repository.page(post, after, limit=50)
        seen += [c.id for c in page]
        if len(page) < 50:
            break
        after = Cursor.after(page[-1])
    assert seen == expected
    plan = "\n".join(row["QUERY PLAN"] for row in db.execute(
        "EXPLAIN SELECT id FROM comment WHERE post_id = 1 AND (created_at, id) > ('2024-01-01', 0) "
        "ORDER BY created_at, id LIMIT 51"))
    assert "comment_post_id_created_at_id_idx" in plan


def test_only_the_comments_author_or_the_posts_author_deletes_it(conn, db):
    alice, bob, carol = (seed_user(db, name) for name in ("alice", "bob", "carol"))
    [post] = seed_posts(db, alice, 1)
    first, second = add(conn, post, bob, "one"), add(conn, post, bob, "two")
    repository = CommentRepository(conn)
    with conn.transaction():
        assert repository.delete(first.id, carol) is None  # someone else
    assert repository.owners(first.id).post_author_id == alice
    with conn.transaction():
        assert repository.delete(first.id, bob) == post  # its author
        assert repository.delete(second.id, alice) == post  # the post's author
        assert repository.delete(second.id, alice) is None  # gone
    assert repository.owners(second.id) is None
    assert repository.count(post) == 0


def test_comments_go_with_their_post_and_with_their_author(conn, db, database_url):
    alice, bob = seed_user(db, "alice"), seed_user(db, "bob")
    [hers] = seed_posts(db, alice, 1)
    [his] = seed_posts(db, bob, 1)
    for post in (hers, his):
        add(conn, post, alice)
        add(conn, post, bob)
    db.execute("DELETE FROM posts WHERE id = %s", (hers,))
    assert db.execute("SELECT count(*) AS n FROM comment WHERE post_id = %s", (hers,)).fetchone()["n"] == 0
    db.execute("DELETE FROM users WHERE id = %s", (alice,))
    assert db.execute("SELECT user_id FROM comment").fetchall() == [{"user_id": bob}]
    assert comment_count(database_url, his) == 1


def test_a_comment_does_not_wait_for_another_uncommitted_comment_on_the_same_post(db, database_url):
    alice, bob, carol = (seed_user(db, name) for name in ("alice", "bob", "carol"))
    [post] = seed_posts(db, alice, 1)
    with psycopg.connect(database_url, autocommit=True) as slow, \
            psycopg.connect(database_url, autocommit=True) as fast:
        with slow.transaction():
            CommentRepository(slow).add(post, bob, "first")  # holds the post's row until it commits
            fast.execute("SET lock_timeout = '2s'")
            with fast.transaction():
                CommentRepository(fast).add(post, carol, "second")
                LikeRepository(fast).like(carol, post)  # nor does a like
            assert db.execute("SELECT count(*) AS n FROM post_counter_delta").fetchone()["n"] == 2
            assert comment_count(database_url, post) == 1
        assert comment_count(database_url, post) == 2
    # The next writer that gets the row folds the deltas in.
    with psycopg.connect(database_url, autocommit=True) as conn:
        add(conn, post, alice, "third")
    assert db.execute("SELECT count(*) AS n FROM post_counter_delta").fetchone()["n"] == 0
    row = db.execute("SELECT comment_count, like_count FROM posts WHERE id = %s", (post,)).fetchone()
    assert (row["comment_count"], row["like_count"]) == (3, 1)


def test_fifty_concurrent_commenters_leave_an_exact_count(db, database_url):
    alice = seed_user(db, "alice")
    [post] = seed_posts(db, alice, 1)
    commenters = [seed_user(db, f"user{i}") for i in range(50)]
    start = threading.Barrier(50)

    def comment(index: int) -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            repository = CommentRepository(conn)
            start.wait()
            for round_ in range(6):
                with conn.transaction():
                    added = repository.add(post, commenters[index], f"round {round_}")
                if round_ % 3 == 2:  # and take every third back
                    with conn.transaction():
                        assert repository.delete(added.id, commenters[index]) == post

    with ThreadPoolExecutor(50) as pool:
        list(pool.map(comment, range(50)))
    assert counted(db, post)["comments"] == 50 * 4
    assert comment_count(database_url, post) == 50 * 4


def test_fifty_concurrent_likers_of_one_post_leave_exact_counters(db, database_url):
    alice = seed_user(db, "alice")
    [post] = seed_posts(db, alice, 1)
    likers = [seed_user(db, f"liker{i}") for i in range(50)]
    start = threading.Barrier(50)

    def like(index: int) -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            likes = LikeRepository(conn)
            start.wait()
            for round_ in range(6):
                with conn.transaction():
                    likes.like(likers[index], post)
                if round_ < 5 or index % 2:  # half of the likers end up not liking it
                    with conn.transaction():
                        likes.unlike(likers[index], post)

    with ThreadPoolExecutor(50) as pool:
        list(pool.map(like, range(50)))
    assert counted(db, post)["likes"] == 25
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert PostRepository(conn).get(post).like_count == 25
        assert LikeRepository(conn).state(alice, post).like_count == 25
        assert ProfileRepository(conn).page("alice").likes_received == 25  # counted once per like


def test_deleting_a_post_while_its_counters_wait_takes_its_exact_likes_off_the_author(db, database_url):
    alice, bob, carol, dave = (seed_user(db, name) for name in ("alice", "bob", "carol", "dave"))
    [post, kept] = seed_posts(db, alice, 2)
    with psycopg.connect(database_url, autocommit=True) as slow, \
            psycopg.connect(database_url, autocommit=True) as other:
        with slow.transaction():
            LikeRepository(slow).like(bob, post)
            with other.transaction():
                LikeRepository(other).like(carol, post)  # a delta: the row is slow's
                LikeRepository(other).like(dave, kept)
    assert db.execute("SELECT count(*) AS n FROM post_counter_delta").fetchone()["n"] >= 1
    db.execute("DELETE FROM posts WHERE id = %s", (post,))
    with psycopg.connect(database_url, autocommit=True) as conn:
        page = ProfileRepository(conn).page("alice")
    assert (page.post_count, page.likes_received) == (1, 1)
    assert db.execute("SELECT count(*) AS n FROM post_counter_delta").fetchone()["n"] == 0
