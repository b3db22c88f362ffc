"""The home feed on each path of its design (README, "The home feed"), through the services and the
repository, checked against independent SQL: push (timeline copies), pull (accounts with very many
followers, read at read time), the viewer's own posts, an account crossing the threshold, follows
and unfollows taking effect at once, deletions, and keyset pages across equal timestamps."""

from datetime import UTC, datetime, timedelta

import pytest

from photoshare.models import Post
from photoshare.pagination import Cursor
from photoshare.repositories import PostRepository
from photoshare.services import feeds
from photoshare.services.follows import FOLLOW_BACKFILL_NOW, follow_account, unfollow_account
from tests.support.actions import seed_posts, seed_user

THRESHOLD = 3  # followers that make an account a pull account, in these tests


@pytest.fixture
def people(db):
    """A viewer and four other accounts, by name."""
    return {name: seed_user(db, name) for name in ("viewer", "ann", "ben", "cat", "dan")}


def home(conn, viewer_id: int, page_size: int = 100) -> list[Post]:
    """The whole home feed, page by page through the keyset cursor."""
    posts, before = [], None
    repository = PostRepository(conn)
    for _ in range(1000):
        page = repository.home_feed(viewer_id, before, limit=page_size)
        posts += page
        if len(page) < page_size:
            return posts
        before = Cursor.after(page[-1])
    pytest.fail("the home feed never ended")


def ids(posts) -> list[int]:
    return [post.id for post in posts]


def expected_home(db, viewer_id: int) -> list[int]:
    """The home feed by definition, in plain SQL: own posts and followed accounts' posts, newest first."""
    rows = db.execute("SELECT p.id FROM posts p WHERE p.user_id = %(v)s OR p.user_id IN "
                      "(SELECT followee_id FROM follow WHERE follower_id = %(v)s) "
                      "ORDER BY p.created_at DESC, p.id DESC", {"v": viewer_id}).fetchall()
    return [row["id"] for row in rows]


def publish(conn, db, author_id: int, count: int = 1, created_at=None) -> list[int]:
    """Posts inserted, then delivered as the worker would."""
    new = seed_posts(db, author_id, count, created_at=created_at)
    for post_id in new:
        feeds.deliver_post(conn, post_id, THRESHOLD)
    return new


def timeline_rows(db, user_id: int) -> list[int]:
    return [r["post_id"] for r in db.execute("SELECT post_id FROM timeline WHERE user_id = %s "
                                             "ORDER BY post_created_at DESC, post_id DESC", (user_id,))]


def test_push_follows_and_own_posts_only_newest_first(conn, db, people):
    follow_account(conn, people["viewer"], "ann")
    follow_account(conn, people["viewer"], "ben")
    mine = publish(conn, db, people["viewer"], 2)
    anns = publish(conn, db, people["ann"], 3)
    publish(conn, db, people["cat"], 2)  # not followed
    bens = publish(conn, db, people["ben"], 1)
    feed = home(conn, people["viewer"])
    assert ids(feed) == expected_home(db, people["viewer"]) == sorted(mine + anns + bens, reverse=True)
    # Followed accounts' posts came through the timeline (push); own posts are never copied.
    assert sorted(timeline_rows(db, people["viewer"])) == sorted(anns + bens)
    assert {post.author for post in feed} == {"viewer", "ann", "ben"}


def test_follow_shows_recent_posts_at_once_and_the_rest_after_the_backfill_job(conn, db, people):
    older = seed_posts(db, people["ann"], 30)
    state = follow_account(conn, people["viewer"], "ann")
    assert state.following and state.follower_count == 1
    # The newest page is in the feed before any job ran.
    assert ids(home(conn, people["viewer"], page_size=FOLLOW_BACKFILL_NOW)[:FOLLOW_BACKFILL_NOW]) == \
        sorted(older, reverse=True)[:FOLLOW_BACKFILL_NOW]
    jobs = db.execute("SELECT task_name, args FROM procrastinate_jobs WHERE status = 'todo'").fetchall()
    assert jobs == [{"task_name": "backfill_follow",
                     "args": {"follower_id": people["viewer"], "followee_id": people["ann"]}}]
    assert feeds.backfill_follow(conn, people["viewer"], people["ann"]) == 30 - FOLLOW_BACKFILL_NOW
    assert ids(home(conn, people["viewer"])) == sorted(older, reverse=True)
    # Run again (a retried job): nothing is copied twice.
    assert feeds.backfill_follow(conn, people["viewer"], people["ann"]) == 0


def test_an_account_with_few_posts_needs_no_backfill_job(conn, db, people):
    seed_posts(db, people["ann"], FOLLOW_BACKFILL_NOW)
    follow_account(conn, people["viewer"], "ann")
    assert db.execute("SELECT count(*) AS n FROM procrastinate_jobs").fetchone()["n"] == 0
    assert len(home(conn, people["viewer"])) == FOLLOW_BACKFILL_NOW


def test_unfollow_removes_their_posts_at_once(conn, db, people):
    follow_account(conn, people["viewer"], "ann")
    follow_account(conn, people["viewer"], "ben")
    publish(conn, db, people["ann"], 3)
    bens = publish(conn, db, people["ben"], 2)
    state = unfollow_account(conn, people["viewer"], "ann")
    assert not state.following and state.follower_count == 0
    assert ids(home(conn, people["viewer"])) == sorted(bens, reverse=True)
    assert sorted(timeline_rows(db, people["viewer"])) == sorted(bens)
    # A backfill job that runs after the unfollow copies nothing.
    assert feeds.backfill_follow(conn, people["viewer"], people["ann"]) == 0
    # Unfollowing again changes nothing.
    assert not unfollow_account(conn, people["viewer"], "ann").following


def test_a_post_reaches_only_current_followers(conn, db, people):
    follow_account(conn, people["ann"], "cat")
    follow_account(conn, people["ben"], "cat")
    unfollow_account(conn, people["ben"], "cat")
    [post] = publish(conn, db, people["cat"])
    holders = {r["user_id"] for r in db.execute("SELECT user_id FROM timeline WHERE post_id = %s", (post,))}
    assert holders == {people["ann"]}
    # Delivering again (a retried job) copies nothing twice.
    assert feeds.deliver_post(conn, post, THRESHOLD) == 1
    assert db.execute("SELECT count(*) AS n FROM timeline WHERE post_id = %s", (post,)).fetchone()["n"] == 1


def test_delivery_walks_the_followers_in_batches(conn, db, people, monkeypatch):
    monkeypatch.setattr(feeds, "DELIVERY_BATCH", 2)
    followers = [seed_user(db, f"fan{i}") for i in range(7)]
    for fan in followers:
        follow_account(conn, fan, "dan")
    [post] = seed_posts(db, people["dan"], 1)
    assert feeds.deliver_post(conn, post, pull_threshold=100) == 7
    holders = {r["user_id"] for r in db.execute("SELECT user_id FROM timeline WHERE post_id = %s", (post,))}
    assert holders == set(followers)


def test_an_account_with_many_followers_is_read_at_read_time(conn, db, people):
    for name in ("viewer", "ann", "ben"):
        follow_account(conn, people[name], "cat")  # THRESHOLD followers
    [first] = publish(conn, db, people["cat"])
    mode = db.execute("SELECT feed_mode FROM profile WHERE user_id = %s", (people["cat"],)).fetchone()
    assert mode["feed_mode"] == "pull"
    later = publish(conn, db, people["cat"], 2)
    # Nothing was copied: each follower's feed reads cat's posts directly.
    assert db.execute("SELECT count(*) AS n FROM timeline").fetchone()["n"] == 0
    for name in ("viewer", "ann", "ben"):
        assert ids(home(conn, people[name])) == sorted([first, *later], reverse=True)
    assert ids(home(conn, people["dan"])) == []
    # Following a pull account copies nothing either, and shows its posts at once.
    follow_account(conn, people["dan"], "cat")
    assert timeline_rows(db, people["dan"]) == []
    assert ids(home(conn, people["dan"])) == sorted([first, *later], reverse=True)
    # And unfollowing one hides them at once.
    unfollow_account(conn, people["ann"], "cat")
    assert ids(home(conn, people["ann"])) == []


def test_crossing_the_threshold_shows_every_post_once(conn, db, people):
    follow_account(conn, people["viewer"], "cat")
    follow_account(conn, people["ann"], "cat")
    before = publish(conn, db, people["cat"], 3)  # two followers: pushed
    assert sorted(timeline_rows(db, people["viewer"])) == sorted(before)
    follow_account(conn, people["ben"], "cat")  # the third: cat's next post makes it a pull account
    after = publish(conn, db, people["cat"], 2)
    assert db.execute("SELECT feed_mode FROM profile WHERE user_id = %s", (people["cat"],)).fetchone()["feed_mode"] \
        == "pull"
    # The old copies are still in the timeline and cat's posts are read too: each shows once.
    everything = sorted(before + after, reverse=True)
    for name in ("viewer", "ann", "ben"):
        assert ids(home(conn, people[name], page_size=2)) == everything, name
    # Falling back under the threshold does not switch back (nothing would copy the pulled posts).
    unfollow_account(conn, people["ben"], "cat")
    publish(conn, db, people["cat"])
    assert db.execute("SELECT feed_mode FROM profile WHERE user_id = %s", (people["cat"],)).fetchone()["feed_mode"] \
        == "pull"
    assert ids(home(conn, people["viewer"])) == expected_home(db, people["viewer"])


def test_keyset_pages_across_equal_timestamps_mix_every_source(conn, db, people):
    same = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    for name in ("ann", "ben", "cat"):
        follow_account(conn, people[name], "dan")  # dan becomes a pull account on his first post
    follow_account(conn, people["viewer"], "ann")
    follow_account(conn, people["viewer"], "dan")
    pulled = publish(conn, db, people["dan"], 7, created_at=same)
    pushed = publish(conn, db, people["ann"], 9, created_at=same)
    mine = publish(conn, db, people["viewer"], 6, created_at=same)
    older = publish(conn, db, people["ann"], 4, created_at=same - timedelta(days=1))
    newer = publish(conn, db, people["dan"], 2, created_at=same + timedelta(hours=1))
    expected = sorted(newer, reverse=True) + sorted(pulled + pushed + mine, reverse=True) + sorted(older, reverse=True)
    for size in (1, 4, 5, 20):
        assert ids(home(conn, people["viewer"], page_size=size)) == expected == expected_home(db, people["viewer"])


def test_deleted_posts_and_accounts_leave_every_timeline(conn, db, people):
    follow_account(conn, people["viewer"], "ann")
    follow_account(conn, people["viewer"], "ben")
    anns = publish(conn, db, people["ann"], 2)
    bens = publish(conn, db, people["ben"], 2)
    db.execute("DELETE FROM posts WHERE id = %s", (anns[0],))
    assert ids(home(conn, people["viewer"])) == sorted([anns[1], *bens], reverse=True)
    db.execute("DELETE FROM users WHERE id = %s", (people["ben"],))
    assert ids(home(conn, people["viewer"])) == [anns[1]]
    assert timeline_rows(db, people["viewer"]) == [anns[1]]
    counts = db.execute("SELECT following_count FROM profile WHERE user_id = %s", (people["viewer"],)).fetchone()
    assert counts["following_count"] == 1
    db.execute("DELETE FROM users WHERE id = %s", (people["viewer"],))
    assert db.execute("SELECT count(*) AS n FROM timeline").fetchone()["n"] == 0
