"""Explore (everyone's posts, what / showed before the home feed): order, keyset pages across equal
timestamps, bad cursors, and a fixed number of queries."""

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest

from photoshare.web.templating import exact_time, relative_time
from tests.support.actions import counting_statements, create_post, log_in_as, press, running_app, seed_posts, seed_user

ARTICLE_RE = re.compile(r'<article class="post" data-post-id="(\d+)" data-author="([^"]+)"\s+'
                        r'data-like-count="(\d+)" data-liked="(true|false)" data-comment-count="\d+"\s+'
                        r'id="post-\1">')
NEXT_RE = re.compile(r'<a rel="next" class="button" href="(/explore\?before=[^"]+)"')


def feed_page(client, url="/explore"):
    """(post ids in page order, the next-page URL or None)."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    match = NEXT_RE.search(html)
    return [int(m.group(1)) for m in ARTICLE_RE.finditer(html)], (match.group(1) if match else None)


def walk_feed(client) -> list[list[int]]:
    """Every page of the feed, following rel=next links."""
    pages, url = [], "/explore"
    for _ in range(100):
        ids, url = feed_page(client, url)
        pages.append(ids)
        if url is None:
            return pages
    pytest.fail("the feed never ended")


def test_empty_explore_invites_a_first_post(logged_in):
    html = logged_in.get("/explore").get_data(as_text=True)
    assert "No posts yet." in html and 'href="/posts/new"' in html
    assert 'rel="next"' not in html


def test_explore_shows_everyones_posts_newest_first(logged_in, another_client, db):
    first = create_post(logged_in, caption="alice's first")
    second = create_post(another_client, caption="bob's photo")
    third = create_post(logged_in, caption="alice's second")
    press(another_client, first, "like")
    html = another_client.get("/explore").get_data(as_text=True)
    articles = [m.groups() for m in ARTICLE_RE.finditer(html)]
    assert articles == [(str(third), "alice", "0", "false"), (str(second), "bob", "0", "false"),
                        (str(first), "alice", "1", "true")]
    for caption in ("alice&#39;s first", "bob&#39;s photo", "alice&#39;s second"):
        assert caption in html
    assert len(re.findall(r'<img src="/media/post/', html)) == 3
    # The first image loads eagerly (it is above the fold); the rest lazily.
    assert html.count('loading="lazy"') == 2


def test_explore_pages_by_20_across_equal_timestamps(logged_in, db):
    alice = db.execute("SELECT id FROM users WHERE username = 'alice'").fetchone()["id"]
    same = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    older = seed_posts(db, alice, 5, created_at=same - timedelta(days=1))
    tied = seed_posts(db, alice, 37, created_at=same)
    newest = seed_posts(db, alice, 3, created_at=same + timedelta(hours=1))
    pages = walk_feed(logged_in)
    assert [len(page) for page in pages] == [20, 20, 5]
    flat = [post_id for page in pages for post_id in page]
    # Newest first; among equal created_at the higher id first; nothing lost or repeated.
    expected = sorted(newest, reverse=True) + sorted(tied, reverse=True) + sorted(older, reverse=True)
    assert flat == expected
    # A page boundary falls inside the run of equal timestamps.
    assert set(pages[0]) & set(tied) and set(pages[1]) <= set(tied)


def test_posts_added_while_paging_do_not_shift_older_pages(logged_in, db):
    alice = db.execute("SELECT id FROM users WHERE username = 'alice'").fetchone()["id"]
    ids = seed_posts(db, alice, 25, created_at=datetime(2024, 1, 1, tzinfo=UTC))
    first, next_url = feed_page(logged_in)
    seed_posts(db, alice, 3)
    second, _ = feed_page(logged_in, next_url)
    assert first + second == sorted(ids, reverse=True)


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("before", [
    "", "garbage", "!!!!", "%ff%fe", "\u00e9t\u00e9",
    cursor("not a date|1"),
    cursor("2024-01-01T00:00:00+00:00|abc"),
    cursor("2024-01-01T00:00:00+00:00"),
    cursor("2024-01-01T00:00:00|5"),
    cursor("2024-01-01T00:00:00+00:00|0"),
    cursor("2024-01-01T00:00:00+00:00|-3"),
    cursor("2024-01-01T00:00:00+00:00|99999999999999999999999"),
    base64.urlsafe_b64encode(b"\xff\xfe|1").decode(),
])
def test_malformed_cursor_is_400(logged_in, before):
    response = logged_in.get("/explore", query_string={"before": before})
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)


def test_a_cursor_from_a_page_link_round_trips(logged_in, db):
    alice = db.execute("SELECT id FROM users WHERE username = 'alice'").fetchone()["id"]
    seed_posts(db, alice, 21)
    _, next_url = feed_page(logged_in)
    assert next_url
    ids, more = feed_page(logged_in, next_url)
    assert len(ids) == 1 and more is None


# --- statement count --------------------------------------------------------------------------

def feed_statements(app, db, monkeypatch, url="/explore") -> list[str]:
    client = app.test_client()
    log_in_as(client, db, "viewer")
    with counting_statements(monkeypatch) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return seen


@pytest.fixture
def feed_world(db):
    """A viewer and two authors; the viewer likes some posts of each."""
    seed_user(db, "viewer")
    authors = [seed_user(db, "alice"), seed_user(db, "bob")]
    return authors


def add_posts_with_likes(db, authors, count):
    ids = []
    for i in range(count):
        ids += seed_posts(db, authors[i % 2], 1)
    viewer = db.execute("SELECT id FROM users WHERE username = 'viewer'").fetchone()["id"]
    for post_id in ids[::3]:
        db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (viewer, post_id))
        db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (authors[0], post_id))
    return ids


def test_explore_statement_count_does_not_grow_with_the_page(app, app_config, db, feed_world, monkeypatch):
    add_posts_with_likes(db, feed_world, 5)
    small = feed_statements(app, db, monkeypatch)
    add_posts_with_likes(db, feed_world, 40)
    full = feed_statements(app, db, monkeypatch)
    # The second page of the full feed, through its cursor.
    client = app.test_client()
    log_in_as(client, db, "viewer")
    _, next_url = feed_page(client)
    second = feed_statements(app, db, monkeypatch, next_url)
    with running_app({**app_config, "FEED_PAGE_SIZE": 45}) as big_app:
        whole = feed_statements(big_app, db, monkeypatch)
    # The pool's liveness check is an empty query, sent only for connections idle a while.
    small, full, second, whole = ([q for q in seen if q.strip()] for seen in (small, full, second, whole))
    assert len(small) == len(full) == len(second) == len(whole) == 2, (small, full, whole)
    # The session's user, then one query for the page.
    real = full
    assert "JOIN users" in real[0] and "user_session" in real[0]
    assert "FROM post_view pv" in real[1] and "like_post" in real[1]


def test_explore_shows_what_one_statement_returns(app, db, feed_world, monkeypatch):
    """The viewer's like flags and counts in the page come from the single feed query."""
    ids = add_posts_with_likes(db, feed_world, 6)
    client = app.test_client()
    log_in_as(client, db, "viewer")
    html = client.get("/explore").get_data(as_text=True)
    shown = {int(m.group(1)): (m.group(3), m.group(4)) for m in ARTICLE_RE.finditer(html)}
    liked = set(ids[::3])
    assert shown == {i: ("2", "true") if i in liked else ("0", "false") for i in ids}


# --- times ---------------------------------------------------------------------------------------

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("ago", "text"), [
    (timedelta(seconds=5), "now"),
    (timedelta(seconds=-30), "now"),
    (timedelta(minutes=1), "1 min"),
    (timedelta(minutes=59, seconds=59), "59 min"),
    (timedelta(hours=3, minutes=10), "3 h"),
    (timedelta(hours=23), "23 h"),
    (timedelta(days=2), "2 d"),
    (timedelta(days=20), "2 w"),
    (timedelta(days=400), "4 Feb 2024"),
])
def test_relative_time(ago, text):
    assert relative_time(NOW - ago, now=NOW) == text


def test_exact_time_is_utc():
    moment = datetime(2025, 3, 10, 14, 5, tzinfo=UTC).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert exact_time(moment) == "2025-03-10 14:05 UTC"


def test_explore_shows_relative_time_with_exact_time_on_hover(logged_in, db):
    alice = db.execute("SELECT id FROM users WHERE username = 'alice'").fetchone()["id"]
    created = datetime.now(UTC) - timedelta(hours=3, minutes=5)
    seed_posts(db, alice, 1, created_at=created)
    html = logged_in.get("/explore").get_data(as_text=True)
    exact = created.strftime("%Y-%m-%d %H:%M UTC")
    # datetime= is machine-readable (in the database's time zone); the hover text is UTC.
    assert re.search(rf'<time datetime="[^"]+" title="{exact}">3 h</time>', html)
