"""Repositories on the real database: every named query, constraints, cascades, triggers."""

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from photoshare.data.queries import fetch_records, queries
from photoshare.errors import EmailTaken, InvalidUsername, PostNotFound, ProfileExists, UsernameTaken, UserNotFound
from photoshare.models import Post
from photoshare.pagination import Cursor
from photoshare.repositories import (
    LikeRepository,
    LoginAttemptRepository,
    PostRepository,
    ProfileRepository,
    UserRepository,
)

HASH = "scrypt:32768:8:1$salt$0123abcd"


def make_user(conn, username="alice", email=None):
    with conn.transaction():
        user = UserRepository(conn).add(username, email or f"{username}@example.com", HASH)
        ProfileRepository(conn).add(user.id)
    return user


def make_post(conn, user, caption="hello", created_at=None, db=None):
    posts = PostRepository(conn)
    post_id = posts.reserve_id()
    with conn.transaction():
        posts.add(post_id, user.id, f"post/{post_id}-20260101T000000000000Z.jpg", caption=caption,
                  image_width=800, image_height=600)
    post = posts.get(post_id)
    if created_at is not None:
        conn.execute("UPDATE posts SET created_at = %s WHERE id = %s", (created_at, post.id))
    return post


# --- users -------------------------------------------------------------------------------

def test_add_and_get_user(conn, db):
    user = make_user(conn, "Alice")
    row = db.execute("SELECT username, email, password FROM users WHERE id = %s", (user.id,)).fetchone()
    assert row == {"username": "Alice", "email": "Alice@example.com", "password": HASH}
    users = UserRepository(conn)
    assert users.get(user.id) == user
    assert users.get(999) is None
    assert users.get_by_username("ALICE") == user
    assert users.get_by_login("alice") == user
    assert users.get_by_login("ALICE@EXAMPLE.COM") == user
    assert users.get_by_login("nobody") is None


@pytest.mark.parametrize("other", ["alice", "ALICE", "aLiCe"])
def test_username_is_unique_in_any_case(conn, db, other):
    make_user(conn, "Alice")
    with pytest.raises(UsernameTaken), conn.transaction():
        UserRepository(conn).add(other, "other@example.com", HASH)
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 1


def test_email_is_unique_in_any_case(conn, db):
    make_user(conn, "alice", "alice@example.com")
    with pytest.raises(EmailTaken), conn.transaction():
        UserRepository(conn).add("bob", "ALICE@Example.com", HASH)


@pytest.mark.parametrize("bad", ["", "has space", "a" * 31, "semi;colon", "dash-ed", "ümlaut", "emoji😀"])
def test_username_check_in_the_database(conn, db, bad):
    with pytest.raises(InvalidUsername), conn.transaction():
        UserRepository(conn).add(bad, "x@example.com", HASH)
    # The CHECK itself, bypassing the repository.
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute("INSERT INTO users (username, email, password) VALUES (%s, 'y@example.com', %s)", (bad, HASH))


@pytest.mark.parametrize("good", ["a", "A.b_c", "x" * 30, "user.name_01"])
def test_username_rule_accepts(conn, db, good):
    assert make_user(conn, good).username == good


def test_password_must_be_a_hash(db):
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute("INSERT INTO users (username, email, password) VALUES ('p', 'p@example.com', 'hunter2')")


def test_a_violation_keeps_the_unit_of_work_usable(conn, db):
    make_user(conn, "alice")
    with conn.transaction():
        users = UserRepository(conn)
        with pytest.raises(UsernameTaken):
            users.add("alice", "again@example.com", HASH)
        users.add("bob", "bob@example.com", HASH)
    assert [r["username"] for r in db.execute("SELECT username FROM users ORDER BY id")] == ["alice", "bob"]


def test_set_password_moves_updated_at(conn, db):
    user = make_user(conn)
    db.execute("UPDATE users SET updated_at = now() - interval '1 day' WHERE id = %s", (user.id,))
    before = db.execute("SELECT updated_at FROM users WHERE id = %s", (user.id,)).fetchone()["updated_at"]
    with conn.transaction():
        UserRepository(conn).set_password(user.id, "scrypt:32768:8:1$new$hash")
    row = db.execute("SELECT password, updated_at FROM users WHERE id = %s", (user.id,)).fetchone()
    assert row["password"] == "scrypt:32768:8:1$new$hash"
    assert row["updated_at"] > before


def test_writes_outside_a_unit_of_work_are_refused(conn, db):
    user = make_user(conn)
    with pytest.raises(RuntimeError, match="transaction"):
        UserRepository(conn).set_password(user.id, "scrypt:1$x$y")
    assert db.execute("SELECT password FROM users").fetchone()["password"] == HASH


def test_uncommitted_work_rolls_back(conn, db):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), conn.transaction():
        user = UserRepository(conn).add("ghost", "ghost@example.com", HASH)
        ProfileRepository(conn).add(user.id)
        raise Boom
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0
    assert db.execute("SELECT count(*) AS n FROM profile").fetchone()["n"] == 0


def test_delete_user_cascades_everywhere(conn, db):
    alice, bob = make_user(conn, "alice"), make_user(conn, "bob")
    post = make_post(conn, alice)
    bobs_post = make_post(conn, bob)
    with conn.transaction():
        LikeRepository(conn).like(bob.id, post.id)
        LikeRepository(conn).like(alice.id, bobs_post.id)
        ProfileRepository(conn).set_image(alice.id, "profile/alice-20260101T000000000000Z.png")
    with conn.transaction():
        keys = UserRepository(conn).media_keys(alice.id)
        assert UserRepository(conn).delete(alice.id)
    assert sorted(keys) == sorted([post.image, "profile/alice-20260101T000000000000Z.png"])
    counts = db.execute("""SELECT (SELECT count(*) FROM users WHERE id = %(id)s) AS users,
                                  (SELECT count(*) FROM profile WHERE user_id = %(id)s) AS profile,
                                  (SELECT count(*) FROM posts WHERE user_id = %(id)s) AS posts,
                                  (SELECT count(*) FROM like_post WHERE user_id = %(id)s OR post_id = %(post)s) AS likes
                        """, {"id": alice.id, "post": post.id}).fetchone()
    assert counts == {"users": 0, "profile": 0, "posts": 0, "likes": 0}
    # Alice's like on Bob's post is gone, and Bob's counter knows it.
    assert db.execute("SELECT like_count FROM posts WHERE id = %s", (bobs_post.id,)).fetchone()["like_count"] == 0


# --- profile -----------------------------------------------------------------------------

def test_second_profile_for_a_user_is_refused(conn, db):
    user = make_user(conn)
    with pytest.raises(ProfileExists), conn.transaction():
        ProfileRepository(conn).add(user.id)


def test_profile_for_missing_user(conn, db):
    with pytest.raises(UserNotFound), conn.transaction():
        ProfileRepository(conn).add(12345)


def test_profile_storage_follows_the_picture_and_its_bytes(conn, db):
    user = make_user(conn)
    profiles = ProfileRepository(conn)
    assert profiles.get(user.id).image is None
    assert profiles.storage(user.id) == (None, 0, 0)
    with conn.transaction():
        assert profiles.lock_storage(user.id) == (None, 0, 0)
        profiles.set_image(user.id, "profile/alice-1.png", 1_000)
    with conn.transaction():
        assert profiles.lock_storage(user.id) == ("profile/alice-1.png", 1_000, 1_000)
        profiles.set_image(user.id, "profile/alice-2.png", 300)
    assert profiles.storage(user.id) == ("profile/alice-2.png", 300, 300)
    with conn.transaction():
        profiles.set_image(user.id, None)
    assert profiles.storage(user.id) == (None, 0, 0)
    assert db.execute("SELECT image FROM profile WHERE user_id = %s", (user.id,)).fetchone()["image"] is None
    assert profiles.storage(999) is None


def test_stored_bytes_follow_posts_and_busy_row_deltas(conn, db, database_url):
    alice = make_user(conn, "alice")
    posts = PostRepository(conn)
    with conn.transaction():
        ProfileRepository(conn).set_image(alice.id, "profile/alice-1.png", 100)
        posts.add(posts.reserve_id(), alice.id, "post/1-20240101T000000000000Z.png", image_bytes=5_000)
    second = posts.reserve_id()
    with psycopg.connect(database_url, autocommit=True) as other:
        # Another transaction holds alice's profile row: this post's bytes wait in a delta.
        with other.transaction():
            other.execute("SELECT 1 FROM profile WHERE user_id = %s FOR UPDATE", (alice.id,))
            with conn.transaction():
                posts.add(second, alice.id, "post/2-20240101T000000000000Z.png", image_bytes=7_000)
    assert db.execute("SELECT stored_bytes FROM profile_counter_delta").fetchone()["stored_bytes"] == 7_000
    assert ProfileRepository(conn).storage(alice.id).stored_bytes == 12_100
    with conn.transaction():
        posts.delete(second, alice.id)
    assert ProfileRepository(conn).storage(alice.id).stored_bytes == 5_100
    row = db.execute("SELECT stored_bytes FROM profile WHERE user_id = %s", (alice.id,)).fetchone()
    assert row["stored_bytes"] == 5_100  # the delete got the row and folded the delta in


def test_profile_page_counts(conn, db):
    alice, bob = make_user(conn, "alice"), make_user(conn, "bob")
    p1, p2 = make_post(conn, alice), make_post(conn, alice)
    make_post(conn, bob)
    with conn.transaction():
        likes = LikeRepository(conn)
        likes.like(bob.id, p1.id)
        likes.like(alice.id, p1.id)
        likes.like(bob.id, p2.id)
    page = ProfileRepository(conn).page("ALICE")
    assert (page.username, page.post_count, page.likes_received) == ("alice", 2, 3)
    empty = ProfileRepository(conn).page("bob")
    assert (empty.post_count, empty.likes_received) == (1, 0)
    assert ProfileRepository(conn).page("carol") is None


# --- posts -------------------------------------------------------------------------------

def test_add_get_update_delete_post(conn, db):
    alice, bob = make_user(conn, "alice"), make_user(conn, "bob")
    post = make_post(conn, alice, caption="first")
    posts = PostRepository(conn)
    got = posts.get(post.id, viewer_id=bob.id)
    assert (got.author, got.caption, got.like_count, got.liked, got.image_width) == ("alice", "first", 0, False, 800)
    db.execute("UPDATE posts SET updated_at = now() - interval '1 hour' WHERE id = %s", (post.id,))
    with conn.transaction():
        assert posts.update_text(post.id, bob.id, "hijack", "") is None  # not Bob's post
        assert posts.update_text(post.id, alice.id, "edited", "a cat") == "first"  # the caption replaced
    row = db.execute("SELECT caption, alt_text, updated_at > created_at AS moved FROM posts WHERE id = %s",
                     (post.id,)).fetchone()
    assert row == {"caption": "edited", "alt_text": "a cat", "moved": True}
    with conn.transaction():
        assert posts.delete(post.id, bob.id) is None
        assert posts.delete(post.id, alice.id) == post.image
    assert posts.get(post.id) is None


def test_post_by_missing_user(conn, db):
    posts = PostRepository(conn)
    with pytest.raises(UserNotFound), conn.transaction():
        posts.add(posts.reserve_id(), 4242, "post/1-20260101T000000000000Z.jpg")


def test_caption_length_is_checked_by_the_database(conn, db):
    user = make_user(conn)
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute("INSERT INTO posts (user_id, image, caption) VALUES (%s, 'post/x.jpg', %s)",
                   (user.id, "x" * 2201))


def test_likes_do_not_move_updated_at(conn, db):
    alice, bob = make_user(conn, "alice"), make_user(conn, "bob")
    post = make_post(conn, alice)
    db.execute("UPDATE posts SET updated_at = '2020-01-01' WHERE id = %s", (post.id,))
    with conn.transaction():
        LikeRepository(conn).like(bob.id, post.id)
    row = db.execute("SELECT like_count, updated_at FROM posts WHERE id = %s", (post.id,)).fetchone()
    assert row["like_count"] == 1
    assert row["updated_at"].year == 2020


def test_feed_is_newest_first_with_keyset_across_equal_timestamps(conn, db):
    alice, bob = make_user(conn, "alice"), make_user(conn, "bob")
    same = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    stamps = [same if i < 6 else same + timedelta(days=i) for i in range(10)]
    made = [make_post(conn, alice if i % 2 else bob, f"p{i}", created_at=stamps[i]) for i in range(10)]
    with conn.transaction():
        LikeRepository(conn).like(alice.id, made[3].id)
    posts = PostRepository(conn)
    seen, cursor = [], None
    while True:
        page = posts.feed(alice.id, cursor, limit=3)
        if not page:
            break
        seen.extend(page)
        cursor = Cursor.after(page[-1])
    expected = sorted(zip(stamps, (p.id for p in made), strict=True), reverse=True)
    assert [p.id for p in seen] == [post_id for _, post_id in expected]
    assert [p.created_at for p in seen] == [stamp for stamp, _ in expected]
    assert len({p.id for p in seen}) == 10
    liked = {p.id: p.liked for p in seen}
    assert liked[made[3].id] is True and sum(liked.values()) == 1


def test_posts_by_user(conn, db):
    alice, bob = make_user(conn, "alice"), make_user(conn, "bob")
    mine = [make_post(conn, alice) for _ in range(5)]
    make_post(conn, bob)
    posts = PostRepository(conn)
    first = posts.by_user(alice.id, bob.id, limit=3)
    rest = posts.by_user(alice.id, bob.id, Cursor.after(first[-1]), limit=3)
    assert [p.id for p in first + rest] == [p.id for p in reversed(mine)]


# --- likes -------------------------------------------------------------------------------

def test_like_is_idempotent_and_counted(conn, db):
    alice, bob = make_user(conn, "alice"), make_user(conn, "bob")
    post = make_post(conn, alice)
    likes = LikeRepository(conn)
    with conn.transaction():
        assert likes.like(bob.id, post.id) is True
        assert likes.like(bob.id, post.id) is False
    state = likes.state(bob.id, post.id)
    assert (state.like_count, state.liked) == (1, True)
    with conn.transaction():
        assert likes.unlike(bob.id, post.id) is True
        assert likes.unlike(bob.id, post.id) is False
    state = likes.state(bob.id, post.id)
    assert (state.like_count, state.liked) == (0, False)
    assert db.execute("SELECT count(*) AS n FROM like_post WHERE post_id = %s", (post.id,)).fetchone()["n"] == 0
    assert likes.state(bob.id, 999) is None


def test_second_like_row_is_refused_by_the_database(conn, db):
    alice = make_user(conn)
    post = make_post(conn, alice)
    db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (alice.id, post.id))
    with pytest.raises(psycopg.errors.UniqueViolation):
        db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (alice.id, post.id))


def test_like_of_missing_post(conn, db):
    alice = make_user(conn)
    with pytest.raises(PostNotFound), conn.transaction():
        LikeRepository(conn).like(alice.id, 31337)


def test_likers_newest_first(conn, db):
    author = make_user(conn, "author")
    post = make_post(conn, author)
    fans = [make_user(conn, f"fan{i}") for i in range(4)]
    for fan in fans:
        with conn.transaction():
            LikeRepository(conn).like(fan.id, post.id)
    likes = LikeRepository(conn)
    first = likes.likers(post.id, limit=2)
    rest = likes.likers(post.id, Cursor.after(first[-1]), limit=2)
    assert [liker.username for liker in first + rest] == ["fan3", "fan2", "fan1", "fan0"]


def test_deleting_a_post_deletes_its_likes(conn, db):
    alice, bob = make_user(conn, "alice"), make_user(conn, "bob")
    post = make_post(conn, alice)
    with conn.transaction():
        LikeRepository(conn).like(bob.id, post.id)
    with conn.transaction():
        PostRepository(conn).delete(post.id, alice.id)
    assert db.execute("SELECT count(*) AS n FROM like_post").fetchone()["n"] == 0


# --- log-in attempts ---------------------------------------------------------------------

def test_login_attempts_count_distinct_names_per_client(conn, db):
    attempts = LoginAttemptRepository(conn)
    with conn.transaction():
        for name in ("Alice", "alice", "bob"):
            assert attempts.reserve_for_client(name, "10.0.0.1", 2, 900)
        assert not attempts.reserve_for_client("carol", "10.0.0.1", 2, 900)
        assert attempts.reserve_for_client("ALICE", "10.0.0.1", 2, 900)
        assert attempts.reserve_for_client("carol", "10.0.0.2", 2, 900)
    assert 899 <= attempts.client_wait_seconds("10.0.0.1", 900) <= 900
    db.execute("UPDATE login_attempt SET attempted_at = now() - interval '2 days' WHERE login = 'bob'")
    with conn.transaction():
        assert attempts.reserve_for_client("carol", "10.0.0.1", 2, 900)
        attempts.prune(86400)
        attempts.clear("alice")
        attempts.clear("carol")
    assert db.execute("SELECT count(*) AS n FROM login_attempt").fetchone()["n"] == 0


def test_login_throttle_reserves_then_waits_and_forgets(conn, db):
    attempts = LoginAttemptRepository(conn)
    with conn.transaction():
        assert [attempts.reserve("login:x", 2, 60, 3600, 86400) for _ in range(3)] == [1, 2, None]
    assert 59 <= attempts.wait_seconds("login:x") <= 60
    db.execute("UPDATE login_throttle SET last_attempt_at = now() - interval '2 days'")
    with conn.transaction():
        assert attempts.reserve("login:x", 2, 60, 3600, 86400) == 1  # forgotten a day after the last try
        attempts.clear("x", "login:x")
    assert db.execute("SELECT count(*) AS n FROM login_throttle").fetchone()["n"] == 0


def test_records_refuse_a_query_whose_columns_do_not_match(conn):
    # Records are made from row tuples by position, so a column out of place must fail, not shift.
    user = make_user(conn)
    with pytest.raises(TypeError, match="not the fields of Post"):
        fetch_records(conn, queries.get_user_by_id, Post, id=user.id)
