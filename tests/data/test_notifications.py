"""Notifications in the database: one per like, comment, follow and mention, none for oneself, taken back
by the undo and by cascades, grouped into entries when read, and an unread count that stays exact under
concurrency without queueing on the recipient's row."""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from photoshare.pagination import Cursor
from photoshare.repositories import (
    CommentRepository,
    LikeRepository,
    NotificationRepository,
    PostRepository,
    SessionRepository,
    UserRepository,
)
from photoshare.services.follows import follow_account, unfollow_account
from photoshare.services.notifications import notify_comment_mentions
from photoshare.services.posts import edit_post
from photoshare.services.sessions import token_hash
from tests.support.actions import seed_posts, seed_user, wait_until_blocked

pytestmark = pytest.mark.usefixtures("one_utc_day")


def rows(db, recipient_id) -> list[tuple]:
    """The recipient's notifications as (kind, actor username, post_id, comment_id), oldest first."""
    found = db.execute("SELECT n.kind, u.username, n.post_id, n.comment_id FROM notification n "
                       "JOIN users u ON u.id = n.actor_id WHERE n.recipient_id = %s ORDER BY n.id",
                       (recipient_id,)).fetchall()
    return [(r["kind"], r["username"], r["post_id"], r["comment_id"]) for r in found]


def badge(database_url, user_id) -> int:
    """The count the navigation shows, read as the session loader reads it (a session's one statement)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        token = secrets.token_urlsafe(16)
        with conn.transaction():
            SessionRepository(conn).add(user_id, token_hash(token), False, "test", None, 3600, 3600)
        return SessionRepository(conn).user_of(token_hash(token), token_hash(token + "next"), 60,
                                               3600).unread_notifications


def unread_rows(db, user_id) -> int:
    return db.execute("SELECT count(*) AS n FROM notification WHERE recipient_id = %s AND read_at IS NULL",
                      (user_id,)).fetchone()["n"]


def like(conn, user_id, post_id):
    with conn.transaction():
        LikeRepository(conn).like(user_id, post_id)


def unlike(conn, user_id, post_id):
    with conn.transaction():
        LikeRepository(conn).unlike(user_id, post_id)


def comment(conn, post_id, user_id, username, body):
    with conn.transaction():
        added = CommentRepository(conn).add(post_id, user_id, body)
        notify_comment_mentions(conn, added.id, username, body)
    return added.id


def caption(conn, post_id, author_id, text):
    assert edit_post(conn, post_id, author_id, text, "")


def page(conn, user_id, before=None, limit=21, mark=20):
    with conn.transaction():
        return NotificationRepository(conn).page(user_id, before, limit, mark_read=mark)


@pytest.fixture
def people(db):
    """alice (who has a post), bob and carol."""
    alice, bob, carol = seed_user(db, "alice"), seed_user(db, "bob"), seed_user(db, "carol")
    [post] = seed_posts(db, alice, 1)
    return alice, bob, carol, post



def test_of_two_racing_edits_the_later_sets_the_mentions_against_the_caption_the_earlier_left(
        database_url, db, people):
    # Both edits were opened on the caption without mentions; the first adds @bob. The second, which
    # waits for the first's row lock, must take that mention away again: what it replaces is read
    # under the lock, not from the form's earlier read.
    alice, bob, carol, post = people
    with (psycopg.connect(database_url, autocommit=True) as first,
          psycopg.connect(database_url, autocommit=True) as second, ThreadPoolExecutor(1) as pool):
        with first.transaction():
            assert edit_post(first, post, alice, "for @bob", "")
            later = pool.submit(edit_post, second, post, alice, "for nobody", "")
            wait_until_blocked(db)
        assert later.result(timeout=30)
    assert db.execute("SELECT caption FROM posts WHERE id = %s", (post,)).fetchone()["caption"] == "for nobody"
    assert rows(db, bob) == []
    assert badge(database_url, bob) == 0

def test_each_kind_is_notified_once_to_the_right_person(conn, db, database_url, people):
    alice, bob, carol, post = people
    like(conn, bob, post)
    like(conn, bob, post)  # idempotent: still one like, one notification
    remark = comment(conn, post, bob, "bob", "nice one @carol and @alice and @nobody")
    follow_account(conn, bob, "alice")
    caption(conn, post, alice, "with @Bob. and @carol")
    assert rows(db, alice) == [("like", "bob", post, None), ("comment", "bob", post, remark),
                               ("follow", "bob", None, None)]
    # carol is mentioned in the comment and the caption; bob in the caption (the trailing dot ends the
    # sentence). alice, the post's author, hears of the comment itself, not of a mention in it.
    assert rows(db, carol) == [("mention", "bob", post, remark), ("mention", "alice", post, None)]
    assert rows(db, bob) == [("mention", "alice", post, None)]
    assert (badge(database_url, alice), badge(database_url, bob), badge(database_url, carol)) == (3, 1, 2)


def test_nobody_is_notified_of_their_own_actions(conn, db, database_url, people):
    alice, _bob, _carol, post = people
    like(conn, alice, post)
    comment(conn, post, alice, "alice", "me, @alice, on my own post")
    caption(conn, post, alice, "hello @ALICE")
    assert rows(db, alice) == []
    assert badge(database_url, alice) == 0


def test_undoing_the_action_removes_its_notification_and_its_count(conn, db, database_url, people):
    alice, bob, carol, post = people
    like(conn, bob, post)
    remark = comment(conn, post, bob, "bob", "hey @carol")
    follow_account(conn, bob, "alice")
    caption(conn, post, alice, "for @carol and @bob")
    assert badge(database_url, alice) == 3 and badge(database_url, carol) == 2
    unlike(conn, bob, post)
    unfollow_account(conn, bob, "alice")
    with conn.transaction():
        CommentRepository(conn).delete(remark, bob)
    caption(conn, post, alice, "for @bob only")
    assert rows(db, alice) == []
    assert rows(db, carol) == []
    assert rows(db, bob) == [("mention", "alice", post, None)]  # kept, not notified twice
    assert (badge(database_url, alice), badge(database_url, carol), badge(database_url, bob)) == (0, 0, 1)
    # Liking again is a new notification.
    like(conn, bob, post)
    assert rows(db, alice) == [("like", "bob", post, None)]


def test_a_read_notification_taken_back_leaves_the_count_alone(conn, db, database_url, people):
    alice, bob, carol, post = people
    like(conn, bob, post)
    page(conn, alice)
    like(conn, carol, post)
    assert badge(database_url, alice) == 1
    unlike(conn, bob, post)  # read already
    assert badge(database_url, alice) == 1
    unlike(conn, carol, post)
    assert badge(database_url, alice) == 0


def test_deleted_actors_and_posts_take_their_notifications_with_them(conn, db, database_url, people):
    alice, bob, carol, post = people
    [other] = seed_posts(db, alice, 1)
    like(conn, bob, post)
    comment(conn, other, bob, "bob", "hello")
    like(conn, carol, other)
    follow_account(conn, carol, "alice")
    assert badge(database_url, alice) == 4
    with conn.transaction():
        UserRepository(conn).delete(bob)
    assert [r[1] for r in rows(db, alice)] == ["carol", "carol"]
    assert badge(database_url, alice) == 2
    with conn.transaction():
        PostRepository(conn).delete(other, alice)
    assert rows(db, alice) == [("follow", "carol", None, None)]
    assert badge(database_url, alice) == 1
    # A deleted recipient's notifications go too.
    with conn.transaction():
        UserRepository(conn).delete(alice)
    assert db.execute("SELECT count(*) AS n FROM notification").fetchone()["n"] == 0


def test_likes_of_one_post_on_one_day_are_one_entry(conn, db, people):
    alice, _bob, carol, post = people
    [other] = seed_posts(db, alice, 1)
    likers = [seed_user(db, f"fan{i:02d}") for i in range(13)]
    for fan in likers:
        like(conn, fan, post)
    like(conn, carol, other)
    follow_account(conn, carol, "alice")
    # Yesterday's likes of the same post are an entry of their own.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    old_fan = seed_user(db, "old_fan")
    like(conn, old_fan, post)
    db.execute("UPDATE notification SET created_at = %s WHERE actor_id = %s", (yesterday, old_fan))

    entries = page(conn, alice)
    assert [(e.kind, e.actor_count) for e in entries] == [("follow", 1), ("like", 1), ("like", 13), ("like", 1)]
    follow, liked_other, group, old = entries
    assert (liked_other.post_id, group.post_id, old.post_id) == (other, post, post)
    assert group.actors == ["fan12", "fan11", "fan10"]  # the three newest
    assert len(group.actor_images) == 3
    assert follow.actors == ["carol"] and old.actors == ["old_fan"]
    assert all(e.unread for e in entries)
    assert entries[0].marked == 16  # every row the four entries stand for
    assert unread_rows(db, alice) == 0
    assert not any(e.unread for e in page(conn, alice))


def test_pages_cover_every_entry_once_and_mark_only_what_they_show(conn, db, database_url, people):
    alice, bob, _carol, post = people
    fans = [seed_user(db, f"fan{i:02d}") for i in range(25)]
    for fan in fans:
        follow_account(conn, fan, "alice")
    for fan in fans[:5]:
        like(conn, fan, post)  # one entry, the newest
    first = page(conn, alice, limit=11, mark=10)
    shown, extra = first[:10], first[10]
    assert shown[0].kind == "like" and shown[0].actor_count == 5
    assert [e.actors[0] for e in shown[1:]] == [f"fan{i:02d}" for i in range(24, 15, -1)]
    # The extra row (which only says a next page exists) is not marked.
    assert extra.unread and unread_rows(db, alice) == 30 - 5 - 9
    seen = [e.id for e in shown]
    cursor = Cursor.after(shown[-1])
    while True:
        more = page(conn, alice, cursor, limit=11, mark=10)
        seen += [e.id for e in more[:10]]
        if len(more) <= 10:
            break
        cursor = Cursor.after(more[9])
    assert len(seen) == len(set(seen)) == 26
    assert unread_rows(db, alice) == 0 and badge(database_url, alice) == 0
    # A later like of the grouped post moves its entry back to the top, unread.
    like(conn, bob, post)
    top = page(conn, alice, mark=0)[0]
    assert (top.kind, top.actor_count, top.actors[0], top.unread) == ("like", 6, "bob", True)
    assert badge(database_url, alice) == 1


def test_a_prefetch_or_look_marks_nothing(conn, db, database_url, people):
    alice, bob, _carol, post = people
    like(conn, bob, post)
    entries = page(conn, alice, mark=0)
    assert entries[0].unread and entries[0].marked == 0
    assert badge(database_url, alice) == 1


def test_the_unread_count_is_exact_under_concurrent_likes_and_reads(database_url, db):
    """Likes of one author's posts by many people at once, while the author reads the page over and over:
    the count ends equal to the unread rows, and a like never waits on the author's profile row."""
    author = seed_user(db, "star")
    posts = seed_posts(db, author, 4)
    fans = [seed_user(db, f"fan{i:02d}") for i in range(24)]
    start = threading.Barrier(len(fans) + 1)

    def fan_likes(fan):
        with psycopg.connect(database_url, autocommit=True) as conn:
            start.wait()
            for post in posts:
                like(conn, fan, post)
            unlike(conn, fan, posts[0])

    def reader():
        with psycopg.connect(database_url, autocommit=True) as conn:
            start.wait()
            for _ in range(15):
                page(conn, author, limit=3, mark=2)

    with ThreadPoolExecutor(len(fans) + 1) as pool:
        done = [pool.submit(fan_likes, fan) for fan in fans] + [pool.submit(reader)]
        for future in done:
            future.result()
    rows_left = db.execute("SELECT count(*) AS n FROM notification WHERE recipient_id = %s", (author,)).fetchone()
    assert rows_left["n"] == 24 * 3
    assert badge(database_url, author) == unread_rows(db, author)
    # Read it all: the count is zero, and folding the waiting deltas in keeps it so.
    with psycopg.connect(database_url, autocommit=True) as conn:
        entries = page(conn, author)
    assert len(entries) == 3 and sum(e.actor_count for e in entries) == 72
    assert badge(database_url, author) == 0 == unread_rows(db, author)


def test_a_notification_arriving_while_the_page_is_read_stays_unread(conn, db, database_url, people):
    alice, bob, carol, post = people
    like(conn, bob, post)
    # carol's like commits after the page's statement took its snapshot: the page neither shows nor
    # marks it, and it stays counted.
    with psycopg.connect(database_url) as other:
        with other.transaction():
            LikeRepository(other).like(carol, post)
            entries = page(conn, alice)
    assert [e.actors for e in entries] == [["bob"]]
    assert badge(database_url, alice) == 1 == unread_rows(db, alice)
