"""Hashtags as data: a post's tags follow its caption on publish, edit and delete, in one form
(tokens.tag_key: NFC, lower case); exact tag counts that never queue on a popular tag's row; tag
pages in keyset order across equal timestamps."""

import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from photoshare.data.queries import queries
from photoshare.pagination import Cursor
from photoshare.repositories import HashtagRepository
from photoshare.services import accounts
from photoshare.services.posts import delete_post, edit_post, publish_post
from photoshare.tokens import TAG_MAX, hashtags
from tests.data.test_services import photo
from tests.support.actions import PASSWORD, seed_posts


def begin(connection: psycopg.Connection) -> HashtagRepository:
    """The repository on a connection whose transaction has begun (psycopg begins at the first
    statement), as db.transaction() would have it."""
    connection.execute("SELECT 1")
    return HashtagRepository(connection)


@pytest.fixture
def store(tmp_path):
    from photoshare.media.local import LocalMediaStore

    return LocalMediaStore(tmp_path / "media")


@pytest.fixture
def alice(conn):
    return accounts.register_account(conn, "alice", "alice@example.com", PASSWORD)


def tags_of(db, post_id: int) -> list[str]:
    """The post's tags, with independent SQL."""
    return [row["name"] for row in db.execute(
        "SELECT h.name FROM post_hashtag ph JOIN hashtag h ON h.id = ph.hashtag_id WHERE ph.post_id = %s "
        "ORDER BY h.name", (post_id,))]


def counts(db) -> dict[str, int]:
    """Every tag's exact post count as the tag page reads it, checked against post_hashtag."""
    shown = {row["name"]: row["post_count"] for row in db.execute("SELECT name, post_count FROM hashtag_view")}
    real = {row["name"]: row["n"] for row in db.execute(
        "SELECT h.name, count(ph.post_id) AS n FROM hashtag h LEFT JOIN post_hashtag ph ON ph.hashtag_id = h.id "
        "GROUP BY h.name")}
    assert shown == real
    return shown


def test_publishing_stores_the_captions_tags(conn, db, store, alice):
    post_id = publish_post(conn, store, alice.id, photo(), caption="Lake day #Summer #lake_life #summer, #2024")
    assert tags_of(db, post_id) == ["2024", "lake_life", "summer"]
    assert counts(db) == {"2024": 1, "lake_life": 1, "summer": 1}
    created_at = db.execute("SELECT created_at FROM posts WHERE id = %s", (post_id,)).fetchone()["created_at"]
    assert {row["post_created_at"] for row in db.execute("SELECT post_created_at FROM post_hashtag")} == {created_at}


def test_a_caption_without_tags_stores_none(conn, db, store, alice):
    publish_post(conn, store, alice.id, photo(), caption="no tags, just a # and a mail@example.com#x")
    assert db.execute("SELECT count(*) AS n FROM hashtag").fetchone()["n"] == 0


def test_editing_adds_and_removes_tags_and_counts_follow(conn, db, store, alice):
    first = publish_post(conn, store, alice.id, photo(), caption="#sunset #beach")
    second = publish_post(conn, store, alice.id, photo(), caption="#sunset")
    assert counts(db) == {"beach": 1, "sunset": 2}
    assert edit_post(conn, first, alice.id, "now #Beach and #city", "alt")
    assert tags_of(db, first) == ["beach", "city"]
    assert counts(db) == {"beach": 1, "city": 1, "sunset": 1}
    assert edit_post(conn, second, alice.id, "no tags any more", "")
    assert tags_of(db, second) == []
    # A tag no post carries now stays a tag (its page says so), with a count of 0.
    assert counts(db) == {"beach": 1, "city": 1, "sunset": 0}
    caption = db.execute("SELECT caption FROM posts WHERE id = %s", (first,)).fetchone()["caption"]
    assert caption == "now #Beach and #city"


def test_edit_of_someone_elses_post_changes_nothing(conn, db, store, alice):
    bob = accounts.register_account(conn, "bob", "bob@example.com", PASSWORD)
    post_id = publish_post(conn, store, alice.id, photo(), caption="#mine")
    assert not edit_post(conn, post_id, bob.id, "#stolen", "")
    assert tags_of(db, post_id) == ["mine"] and counts(db) == {"mine": 1}


def test_deleting_a_post_or_its_author_takes_its_tags_off_the_counts(conn, db, store, alice):
    kept = publish_post(conn, store, alice.id, photo(), caption="#a #b")
    gone = publish_post(conn, store, alice.id, photo(), caption="#b #c")
    assert delete_post(conn, store, gone, alice.id)
    assert counts(db) == {"a": 1, "b": 1, "c": 0}
    assert tags_of(db, kept) == ["a", "b"]
    accounts.delete_account(conn, store, alice.id)
    assert counts(db) == {"a": 0, "b": 0, "c": 0}
    assert db.execute("SELECT count(*) AS n FROM post_hashtag").fetchone()["n"] == 0


def test_case_and_unicode_forms_are_one_tag(conn, db, store, alice):
    # "Café" composed, decomposed (e + combining acute) and in capitals; Greek final sigma; Japanese.
    publish_post(conn, store, alice.id, photo(), caption="#Café #CAFE\u0301 #cafe\u0301 #ΟΔΟΣ #東京")
    publish_post(conn, store, alice.id, photo(), caption="#café #οδος #東京")
    names = counts(db)
    # Python's lower() knows a final sigma: ΟΔΟΣ is οδος.
    assert names == {"café": 2, "οδος": 2, "東京": 2}
    repository = HashtagRepository(conn)
    assert repository.get("café").post_count == 2
    assert repository.get("cafe") is None


def test_the_tokenizer_and_the_table_agree_on_what_a_tag_is():
    longest = "x" * TAG_MAX
    assert hashtags(f"#{longest} #{longest}y #ok") == [longest, "ok"]
    assert hashtags("a#b &#39; ##c #d_1 #d_1") == ["d_1"]


def test_the_longest_tag_fits(conn, db, store, alice):
    publish_post(conn, store, alice.id, photo(), caption="#" + "é" * TAG_MAX)
    assert counts(db) == {"é" * TAG_MAX: 1}


def test_two_posts_making_one_new_tag_at_once_both_carry_it(database_url, db, alice, store):
    # The second insert of the new tag waits for the first transaction, then finds its row.
    with psycopg.connect(database_url) as first, psycopg.connect(database_url) as second:
        [one] = seed_posts(db, alice.id, 1)
        [two] = seed_posts(db, alice.id, 1)
        begin(first).set_post_tags(one, ["fresh"])
        done = threading.Event()

        def other():
            begin(second).set_post_tags(two, ["fresh"])
            second.commit()
            done.set()

        thread = threading.Thread(target=other)
        thread.start()
        assert not done.wait(0.5)  # waiting on the first transaction's new row
        first.commit()
        thread.join(10)
    assert tags_of(db, one) == ["fresh"] and tags_of(db, two) == ["fresh"]
    assert counts(db) == {"fresh": 2}


def test_a_popular_tag_does_not_queue_posts_on_its_row(database_url, db, alice):
    [seeded] = seed_posts(db, alice.id, 1)
    with psycopg.connect(database_url) as setup:
        begin(setup).set_post_tags(seeded, ["popular"])
        setup.commit()
    posts = seed_posts(db, alice.id, 2)
    with psycopg.connect(database_url) as first, psycopg.connect(database_url) as second:
        begin(first).set_post_tags(posts[0], ["popular"])  # holds the tag's row until commit
        second.execute("SET lock_timeout = '2s'")
        begin(second).set_post_tags(posts[1], ["popular"])  # does not wait: a delta
        second.commit()
        assert db.execute("SELECT count(*) AS n FROM hashtag_counter_delta").fetchone()["n"] == 1
        assert counts(db) == {"popular": 2}
        first.commit()
    assert counts(db) == {"popular": 3}


def test_fifty_concurrent_posts_with_one_tag_count_exactly(database_url, db, alice):
    posts = seed_posts(db, alice.id, 50)
    start = threading.Barrier(50)
    errors = []

    def tag(post_id):
        try:
            with psycopg.connect(database_url) as connection:
                start.wait()
                begin(connection).set_post_tags(post_id, ["viral", f"own{post_id}"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tag, args=(post_id,)) for post_id in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert counts(db)["viral"] == 50


def test_tag_pages_go_newest_first_across_equal_timestamps(conn, db, alice):
    same = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    older = seed_posts(db, alice.id, 3, created_at=same - timedelta(days=1))
    tied = seed_posts(db, alice.id, 25, created_at=same)
    untagged = seed_posts(db, alice.id, 4, created_at=same)
    with conn.transaction():
        repository = HashtagRepository(conn)
        for post_id in older + tied:
            repository.set_post_tags(post_id, ["walk"])
    tag = HashtagRepository(conn).get("walk")
    assert tag.post_count == 28
    seen, before = [], None
    while True:
        page = HashtagRepository(conn).posts(tag.id, alice.id, before, limit=10)
        seen.extend(post.id for post in page)
        if len(page) < 10:
            break
        before = Cursor.after(page[-1])
    assert seen == sorted(tied, reverse=True) + sorted(older, reverse=True)
    assert not set(seen) & set(untagged)


def test_a_tag_page_is_one_index_range_at_any_depth(conn, db, alice):
    # 5,000 tagged posts among 10,000; a page at 90 % depth is read as page 1 is: a backward range of
    # the tag's index entries from the cursor, 21 of them, and the cards of those alone.
    db.execute("INSERT INTO posts (user_id, image, created_at) SELECT %s, 'post/' || g || '-x.png', "
               "timestamptz '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 10000) g", (alice.id,))
    db.execute("INSERT INTO hashtag (name) VALUES ('deep')")
    db.execute("INSERT INTO post_hashtag (post_id, hashtag_id, post_created_at) "
               "SELECT p.id, h.id, p.created_at FROM posts p, hashtag h WHERE p.id % 2 = 0")
    db.execute("VACUUM ANALYZE post_hashtag")
    db.execute("ANALYZE posts")
    tag = HashtagRepository(conn).get("deep")
    assert tag.post_count == 5000
    cursor = db.execute("SELECT created_at, id FROM posts WHERE id = 1000").fetchone()
    params = {"hashtag_id": tag.id, "viewer_id": alice.id, "before_created_at": cursor["created_at"],
              "before_id": cursor["id"], "limit": 21}
    plan = "\n".join(row["QUERY PLAN"] for row in db.execute(
        "EXPLAIN (ANALYZE, COSTS OFF) " + queries.list_hashtag_posts_before.sql, params))
    assert "Index Only Scan Backward using post_hashtag_hashtag_id_created_at_idx" in plan
    # (Heap fetches depend on the visibility map, which another open transaction of the test server can
    # hold back: not asserted.)
    assert "rows=21 loops=1" in plan
    assert [post.id for post in HashtagRepository(conn).posts(tag.id, alice.id, Cursor(cursor["created_at"], 1000),
                                                              limit=3)] == [998, 996, 994]
