"""Likes: idempotent, CSRF-protected, redirect or JSON, and an exact count under concurrency."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from psycopg.rows import dict_row

from photoshare.repositories import LikeRepository
from tests.support.actions import create_post, csrf_token, log_in_as, press, running_app, seed_posts, seed_user

JSON = {"Accept": "application/json"}


@pytest.fixture
def post_id(logged_in):
    """A post by alice."""
    return create_post(logged_in, caption="like me")


def like_rows(db, post_id):
    return db.execute("SELECT u.username FROM like_post l JOIN users u ON u.id = l.user_id "
                      "WHERE l.post_id = %s ORDER BY u.username", (post_id,)).fetchall()


def like_count(db, post_id):
    """The post's like count as pages read it: the row plus the changes waiting in post_counter_delta."""
    return db.execute("SELECT like_count FROM post_view WHERE id = %s", (post_id,)).fetchone()["like_count"]


def test_like_and_unlike_are_idempotent(another_client, post_id, db):
    for _ in range(2):
        assert press(another_client, post_id, "like").status_code == 302
        assert like_rows(db, post_id) == [{"username": "bob"}]
        assert like_count(db, post_id) == 1
    for _ in range(2):
        assert press(another_client, post_id, "unlike").status_code == 302
        assert like_rows(db, post_id) == []
        assert like_count(db, post_id) == 0


def test_like_returns_to_the_post_on_the_page_the_user_was_on(another_client, post_id):
    """Without JavaScript a like reloads the page: the anchor brings the liked post back into view."""
    response = press(another_client, post_id, "like")
    assert response.headers["Location"] == f"/posts/{post_id}#post-{post_id}"
    token = csrf_token(another_client, "/")
    back = another_client.post(f"/posts/{post_id}/unlike?next=/%3Fbefore%3Dabc", data={"csrf_token": token})
    assert back.headers["Location"] == f"/?before=abc#post-{post_id}"
    from_form = another_client.post(f"/posts/{post_id}/like", data={"csrf_token": token, "next": "/u/alice#top"})
    assert from_form.headers["Location"] == f"/u/alice#post-{post_id}"
    # The anchor names the card's id.
    assert f'id="post-{post_id}"' in another_client.get("/explore").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_like_never_redirects_off_site(another_client, post_id, target):
    response = another_client.post(f"/posts/{post_id}/like", query_string={"next": target},
                                   data={"csrf_token": csrf_token(another_client, "/")})
    assert response.headers["Location"] == f"/posts/{post_id}#post-{post_id}"


def test_like_answers_json_when_asked(logged_in, another_client, post_id):
    assert press(another_client, post_id, "like", headers=JSON).get_json() == {"liked": True, "like_count": 1}
    assert press(logged_in, post_id, "like", headers=JSON).get_json() == {"liked": True, "like_count": 2}
    again = press(logged_in, post_id, "like", headers=JSON)
    assert again.status_code == 200 and again.get_json() == {"liked": True, "like_count": 2}
    assert press(another_client, post_id, "unlike", headers=JSON).get_json() == {"liked": False, "like_count": 1}
    # A browser's usual Accept header gets the redirect.
    html = press(logged_in, post_id, "unlike", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.status_code == 302


def test_anonymous_json_like_is_401(client, db):
    author = seed_user(db, "author")
    [post] = seed_posts(db, author, 1)
    response = client.post(f"/posts/{post}/like", data={"csrf_token": csrf_token(client)}, headers=JSON)
    assert response.status_code == 401
    assert response.get_json() == {"error": "Please log in."}
    assert like_count(db, post) == 0


def test_like_needs_csrf(another_client, post_id, db):
    assert another_client.post(f"/posts/{post_id}/like").status_code == 400
    assert another_client.post(f"/posts/{post_id}/like", headers=JSON).status_code == 400
    assert like_rows(db, post_id) == []


def test_like_of_a_missing_post_is_404(logged_in, db):
    for action in ("like", "unlike"):
        assert press(logged_in, 12345, action).status_code == 404
        assert press(logged_in, 12345, action, headers=JSON).get_json() == {"error": "There is nothing here."}
    assert db.execute("SELECT count(*) AS n FROM like_post").fetchone()["n"] == 0


def test_pages_show_the_viewers_like_state(logged_in, another_client, post_id):
    press(another_client, post_id, "like")
    for path in (f"/posts/{post_id}", "/explore"):
        html = another_client.get(path).get_data(as_text=True)
        assert 'data-like-count="1" data-liked="true"' in html
        assert f'action="/posts/{post_id}/unlike?next=' in html
        assert 'aria-pressed="true"' in html
        own = logged_in.get(path).get_data(as_text=True)
        assert 'data-like-count="1" data-liked="false"' in own
        assert f'action="/posts/{post_id}/like?next=' in own
    assert '<span class="count">1</span> like</a>' in logged_in.get(f"/posts/{post_id}").get_data(as_text=True)


def test_likers_page_lists_who_liked_newest_first(logged_in, another_client, post_id, db):
    press(logged_in, post_id, "like")
    press(another_client, post_id, "like")
    html = logged_in.get(f"/posts/{post_id}/likes").get_data(as_text=True)
    assert html.index('href="/u/bob"') < html.index('href="/u/alice">alice</a>\n')
    assert "2 likes" in html


def test_likers_page_is_keyset_paginated(logged_in, post_id, db):
    ids = [seed_user(db, f"fan{i:02d}") for i in range(55)]
    with db.transaction():
        for uid in ids:
            db.execute("INSERT INTO like_post (user_id, post_id, created_at) VALUES (%s, %s, '2024-05-01')",
                       (uid, post_id))
    first = logged_in.get(f"/posts/{post_id}/likes").get_data(as_text=True)
    assert first.count('<li class="user" data-username="fan') == 50
    next_url = re.search(r'<a rel="next" class="button" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = logged_in.get(next_url).get_data(as_text=True)
    names = re.findall(r'class="author" href="/u/(fan\d+)"', first) + re.findall(r'class="author" href="/u/(fan\d+)"',
                                                                                  second)
    assert sorted(names) == sorted(f"fan{i:02d}" for i in range(55))
    assert 'rel="next"' not in second
    assert logged_in.get(f"/posts/{post_id}/likes?before=%%%").status_code == 400


def test_script_is_served_and_allowed_by_the_csp(client):
    script = client.get("/static/likes.js")
    assert script.status_code == 200
    body = script.get_data(as_text=True)
    assert '"Accept": "application/json"' in body and "like-form" in body
    page = client.get("/auth/login")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    html = page.get_data(as_text=True)
    # Only external scripts: an inline one would be blocked by the CSP.
    assert '<script src="/static/likes.js" defer></script>' in html
    assert '<script src="/static/follows.js" defer></script>' in html
    assert '<script src="/static/forms.js" defer></script>' in html
    assert html.count("<script") == html.count("<script src=") == 3


# --- concurrency ------------------------------------------------------------------------------

USERS = 50


def test_like_count_is_exact_under_concurrent_http_requests(app_config, db):
    """50 users in 50 threads, each with its own browser session, like and unlike one post."""
    author = seed_user(db, "author")
    [post] = seed_posts(db, author, 1)
    names = [f"fan{i:02d}" for i in range(USERS)]
    for name in names:
        seed_user(db, name)
    with running_app({**app_config, "DB_POOL_MAX_SIZE": 20, "DB_POOL_TIMEOUT": 30}) as app:
        clients = []
        for name in names:
            client = app.test_client()
            log_in_as(client, db, name)
            clients.append((client, csrf_token(client, f"/posts/{post}")))
        start = threading.Barrier(USERS)

        def run(i):
            client, token = clients[i]
            start.wait(timeout=30)
            statuses = []
            # Everyone likes; even-numbered users then unlike and like again, odd ones unlike.
            actions = ["like", "unlike", "like"] if i % 2 == 0 else ["like", "like", "unlike"]
            for action in actions:
                response = client.post(f"/posts/{post}/{action}", data={"csrf_token": token}, headers=JSON)
                statuses.append(response.status_code)
            return statuses

        with ThreadPoolExecutor(max_workers=USERS) as pool:
            results = list(pool.map(run, range(USERS), timeout=120))
    assert all(status == 200 for statuses in results for status in statuses)
    counted = db.execute("SELECT count(*) AS n FROM like_post WHERE post_id = %s", (post,)).fetchone()["n"]
    assert counted == USERS // 2
    assert like_count(db, post) == counted


def test_like_count_is_exact_with_separate_connections(database_url, db):
    """The repository layer on 50 connections at once: likes, unlikes and double likes."""
    author = seed_user(db, "author")
    [post] = seed_posts(db, author, 1)
    fans = [seed_user(db, f"fan{i:02d}") for i in range(USERS)]
    start = threading.Barrier(USERS)

    def run(i):
        with psycopg.connect(database_url, autocommit=True, row_factory=dict_row) as conn:
            likes = LikeRepository(conn)
            start.wait(timeout=30)
            # Users 0-9 end unliked, the rest end liked; likes and unlikes repeat.
            actions = ["like", "like", "unlike", "unlike"] if i < 10 else ["like", "unlike", "like", "like"]
            for action in actions:
                with conn.transaction():
                    getattr(likes, action)(fans[i], post)
            return likes.state(fans[i], post)

    with ThreadPoolExecutor(max_workers=USERS) as pool:
        states = list(pool.map(run, range(USERS), timeout=120))
    assert [s.liked for s in states] == [False] * 10 + [True] * (USERS - 10)
    counted = db.execute("SELECT count(*) AS n FROM like_post WHERE post_id = %s", (post,)).fetchone()["n"]
    assert counted == USERS - 10
    assert like_count(db, post) == counted


def test_double_click_from_one_user_adds_one_like(logged_in, post_id, db):
    token = csrf_token(logged_in, "/")
    barrier = threading.Barrier(8)

    def click(_):
        barrier.wait(timeout=30)
        return logged_in.post(f"/posts/{post_id}/like", data={"csrf_token": token}, headers=JSON).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(click, range(8), timeout=60)) == {200}
    assert like_rows(db, post_id) == [{"username": "alice"}]
    assert like_count(db, post_id) == 1
