"""Follow and unfollow through HTTP (JSON and plain forms, next, 400/404, CSRF, log-in), the profile's
follow markup, followers and following lists, the home feed at / with its suggestions, explore in the
navigation, delivery by the real worker, and statement counts that grow with neither the page nor the
number of follows."""

import re

import pytest

from tests.support.actions import (
    counting_statements,
    create_post,
    csrf_token,
    log_in_as,
    running_app,
    seed_posts,
    seed_user,
    user_id,
)
from tests.support.worker import drain_jobs, pending_jobs

ARTICLE_RE = re.compile(r'<article class="post" data-post-id="(\d+)" data-author="([^"]+)"')
USER_RE = re.compile(r'<li class="user" data-username="([^"]+)">')
JSON = {"Accept": "application/json"}


def press(client, username: str, action: str, **kwargs):
    """POST a profile's follow or unfollow button with the session's CSRF token."""
    return client.post(f"/u/{username}/{action}", data={"csrf_token": csrf_token(client, "/explore")}, **kwargs)


def home_ids(client, url: str = "/") -> list[int]:
    response = client.get(url)
    assert response.status_code == 200
    return [int(m.group(1)) for m in ARTICLE_RE.finditer(response.get_data(as_text=True))]


@pytest.mark.parametrize("action", ["follow", "unfollow"])
def test_anonymous_is_sent_to_log_in(client, db, action):
    seed_user(db, "bob")
    response = client.post(f"/u/bob/{action}", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert not db.execute("SELECT 1 FROM follow").fetchall()


@pytest.mark.parametrize("action", ["follow", "unfollow"])
@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_csrf_is_required(logged_in, another_client, db, action, token):
    if action == "unfollow":
        press(logged_in, "bob", "follow")
    before = db.execute("SELECT follower_id, followee_id FROM follow").fetchall()
    response = logged_in.post(f"/u/bob/{action}", data={"csrf_token": token} if token else {}, headers=JSON)
    assert response.status_code == 400
    assert db.execute("SELECT follower_id, followee_id FROM follow").fetchall() == before


def test_follow_and_unfollow_answer_json_and_are_idempotent(logged_in, another_client, db):
    for _ in range(2):
        response = press(logged_in, "bob", "follow", headers=JSON)
        assert response.status_code == 200
        assert response.get_json() == {"following": True, "follower_count": 1}
    assert db.execute("SELECT count(*) AS n FROM follow").fetchone()["n"] == 1
    for _ in range(2):
        response = press(logged_in, "Bob", "unfollow", headers=JSON)
        assert response.get_json() == {"following": False, "follower_count": 0}
    assert db.execute("SELECT count(*) AS n FROM follow").fetchone()["n"] == 0


def test_plain_forms_redirect_to_a_local_next_else_the_profile(logged_in, another_client):
    token = csrf_token(logged_in, "/explore")
    back = logged_in.post("/u/bob/follow?next=/explore%3Fbefore%3Dabc", data={"csrf_token": token})
    assert back.status_code == 302 and back.headers["Location"] == "/explore?before=abc"
    for hostile in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = logged_in.post("/u/bob/unfollow", data={"csrf_token": token, "next": hostile})
        assert response.status_code == 302 and response.headers["Location"] == "/u/bob"


def test_following_yourself_is_400_and_unknown_accounts_404(logged_in, db):
    for action in ("follow", "unfollow"):
        response = press(logged_in, "alice", action)
        assert response.status_code == 400
        assert "You can&#39;t follow yourself." in response.get_data(as_text=True)
        assert press(logged_in, "nobody", action).status_code == 404
        assert press(logged_in, "bad%20name", action).status_code == 404
    assert press(logged_in, "ALICE", "follow", headers=JSON).get_json() == {"error": "You can't follow yourself."}
    assert not db.execute("SELECT 1 FROM follow").fetchall()


def test_profile_shows_counts_and_a_follow_button_to_others_only(logged_in, another_client):
    html = logged_in.get("/u/bob").get_data(as_text=True)
    assert 'data-follower-count="0" data-following-count="0"' in html
    assert re.search(r'<form method="post" class="follow-form" action="/u/bob/follow\?next=/u/bob"', html)
    assert re.search(r'<button type="submit" class="button follow-button primary" aria-pressed="false"', html)
    press(logged_in, "bob", "follow")
    html = logged_in.get("/u/bob").get_data(as_text=True)
    assert 'data-follower-count="1" data-following-count="0"' in html
    assert 'class="follow-form" action="/u/bob/unfollow?next=/u/bob"' in html
    assert 'aria-pressed="true"' in html and ">Following</button>" in html
    own = logged_in.get("/u/alice").get_data(as_text=True)
    assert 'data-follower-count="0" data-following-count="1"' in own
    assert "follow-form" not in own


def test_followers_and_following_lists_page_by_50(app, db):
    star = seed_user(db, "star")
    fans = [seed_user(db, f"fan{i:02d}") for i in range(53)]
    for fan in fans:
        db.execute("INSERT INTO follow (follower_id, followee_id) VALUES (%s, %s)", (fan, star))
    viewer = app.test_client()
    log_in_as(viewer, db, "fan00")
    first = viewer.get("/u/star/followers").get_data(as_text=True)
    names = USER_RE.findall(first)
    # Most recent follow first.
    assert names == [f"fan{i:02d}" for i in range(52, 2, -1)]
    next_url = re.search(r'<a rel="next" class="button" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert next_url.startswith("/u/star/followers?before=")
    second = viewer.get(next_url).get_data(as_text=True)
    assert USER_RE.findall(second) == ["fan02", "fan01", "fan00"] and 'rel="next"' not in second
    # Each person has a button saying whether the viewer follows them; never one for the viewer.
    assert second.count('class="follow-form"') == 2
    following = viewer.get("/u/fan07/following").get_data(as_text=True)
    assert USER_RE.findall(following) == ["star"] and 'aria-pressed="true"' in following
    assert viewer.get("/u/nobody/followers").status_code == 404
    assert viewer.get("/u/star/following?before=garbage").status_code == 400


def test_home_shows_followed_and_own_posts_and_explore_shows_everyone(app, logged_in, another_client, db):
    carol = app.test_client()
    seed_user(db, "carol")
    log_in_as(carol, db, "carol")
    mine = create_post(logged_in, caption="mine")
    bobs = create_post(another_client, caption="bob's")
    carols = create_post(carol, caption="carol's")
    assert home_ids(logged_in) == [mine]
    press(logged_in, "bob", "follow")
    assert home_ids(logged_in) == [bobs, mine]  # at once: the follow copied bob's recent posts
    later = create_post(another_client, caption="bob, later")
    assert home_ids(logged_in) == [bobs, mine]  # a page never waits for the worker...
    assert pending_jobs(db.info.dsn, "deliver_post")
    drain_jobs(app)  # ...which delivers it within moments
    assert home_ids(logged_in) == [later, bobs, mine]
    assert home_ids(logged_in, "/explore") == [later, carols, bobs, mine]
    press(logged_in, "bob", "unfollow")
    assert home_ids(logged_in) == [mine]


def test_empty_home_feed_suggests_accounts_to_follow(app, logged_in, another_client, db):
    for name, fans in (("popular", 3), ("known", 1)):
        target = seed_user(db, name)
        for i in range(fans):
            db.execute("INSERT INTO follow (follower_id, followee_id) VALUES (%s, %s)",
                       (seed_user(db, f"{name}_fan{i}"), target))
    html = logged_in.get("/").get_data(as_text=True)
    assert "Your home feed is empty" in html and 'class="explore-link" href="/explore"' in html
    suggested = USER_RE.findall(html)
    assert suggested[:2] == ["popular", "known"] and "alice" not in suggested
    assert html.count('class="follow-form"') == len(suggested)
    # Someone who liked alice's photo comes first; an account she follows is no longer suggested.
    post_id = create_post(logged_in)
    db.execute("INSERT INTO like_post (user_id, post_id) VALUES (%s, %s)", (user_id(db, "bob"), post_id))
    press(logged_in, "popular", "follow")
    html = logged_in.get("/").get_data(as_text=True)
    suggested = USER_RE.findall(html)
    assert suggested[0] == "bob" and "Liked your photos" in html and "popular" not in suggested
    assert "Follow people to see their photos here" in html  # her own post is there, nobody else's


def test_every_page_links_to_explore(logged_in):
    for path in ("/", "/explore", "/u/alice", "/posts/new", "/settings/profile"):
        html = logged_in.get(path).get_data(as_text=True)
        assert 'class="explore" href="/explore"' in html, path
    assert 'class="explore" href="/explore" aria-current="page"' in logged_in.get("/explore").get_data(as_text=True)


# --- statement counts ------------------------------------------------------------------------------

def home_statements(app, db, monkeypatch, viewer: str, url: str = "/") -> list[str]:
    client = app.test_client()
    log_in_as(client, db, viewer)
    with counting_statements(monkeypatch) as seen:
        assert client.get(url).status_code == 200
    # The pool's liveness check is an empty query, sent only for connections idle a while.
    return [q for q in seen if q.strip()]


def test_home_feed_statements_grow_with_neither_page_size_nor_follows(app, app_config, db, monkeypatch):
    few, many = seed_user(db, "few"), seed_user(db, "many")
    authors = [seed_user(db, f"author{i}") for i in range(30)]
    for author in authors:
        seed_posts(db, author, 2)
        db.execute("INSERT INTO timeline (user_id, post_created_at, post_id) "
                   "SELECT %s, created_at, id FROM posts WHERE user_id = %s", (many, author))
        db.execute("INSERT INTO follow (follower_id, followee_id) VALUES (%s, %s)", (many, author))
    db.execute("INSERT INTO follow (follower_id, followee_id) VALUES (%s, %s)", (few, authors[0]))
    db.execute("INSERT INTO timeline (user_id, post_created_at, post_id) "
               "SELECT %s, created_at, id FROM posts WHERE user_id = %s", (few, authors[0]))
    # Five of the many are pull accounts, read at read time.
    db.execute("UPDATE profile SET feed_mode = 'pull' WHERE user_id = ANY(%s)", (authors[:5],))
    counts = [len(home_statements(app, db, monkeypatch, "few")), len(home_statements(app, db, monkeypatch, "many"))]
    with running_app({**app_config, "FEED_PAGE_SIZE": 45}) as big:
        counts.append(len(home_statements(big, db, monkeypatch, "many")))
    client = app.test_client()
    log_in_as(client, db, "many")
    next_url = re.search(r'<a rel="next" class="button" href="([^"]+)"', client.get("/").get_data(as_text=True))
    deep = home_statements(app, db, monkeypatch, "many", next_url.group(1))
    counts.append(len(deep))
    # The session's user, then one statement for the page.
    assert counts == [2, 2, 2, 2]
    assert "JOIN users" in deep[0] and "user_session" in deep[0]
    assert "timeline" in deep[1] and "feed_mode = 'pull'" in deep[1]


def test_follow_and_list_pages_run_few_statements(app, db, monkeypatch, logged_in, another_client):
    with counting_statements(monkeypatch) as seen:
        press(logged_in, "bob", "follow", headers=JSON)
    # csrf_token's page (2), then: the session's user, lock, follow (+ its timeline copies), state.
    assert len([q for q in seen if q.strip()]) - 2 == 4
    for path in ("/u/bob/followers", "/u/alice/following"):
        with counting_statements(monkeypatch) as seen:
            assert logged_in.get(path).status_code == 200
        assert len([q for q in seen if q.strip()]) == 3, path
