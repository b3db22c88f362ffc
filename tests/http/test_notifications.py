"""/notifications and the navigation's badge, through the Flask client: what each person sees after the
others act, in a constant number of statements."""

import re

import pytest

from tests.support.actions import (
    add_comment,
    counting_statements,
    create_post,
    csrf_token,
    delete_comment,
    log_in_as,
    press,
    seed_posts,
    seed_user,
)

BADGE_RE = re.compile(r'<a class="notifications" href="/notifications" data-unread-count="(\d+)"')
ENTRY_RE = re.compile(r'<li class="notification" data-kind="(\w+)" data-unread="(true|false)" '
                      r'data-actor-count="(\d+)">')
NEXT_RE = re.compile(r'<a rel="next" class="button" href="(/notifications\?before=[^"]+)"')


pytestmark = pytest.mark.usefixtures("one_utc_day")


def badge(client, path="/") -> int:
    response = client.get(path)
    assert response.status_code == 200
    found = BADGE_RE.findall(response.get_data(as_text=True))
    assert len(found) == 1
    return int(found[0])


def entries(client, url="/notifications", **kwargs) -> tuple[list[tuple[str, bool, int]], str | None, str]:
    """(kind, unread, actor count) of each entry, the next page's URL, the page."""
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = [(kind, unread == "true", int(count)) for kind, unread, count in ENTRY_RE.findall(html)]
    next_link = NEXT_RE.search(html)
    return found, next_link.group(1).replace("&amp;", "&") if next_link else None, html


def follow(client, username):
    return client.post(f"/u/{username}/follow", data={"csrf_token": csrf_token(client, "/")})


@pytest.fixture
def bob(app, another_client):
    return another_client


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert "/auth/login?next=" in response.headers["Location"]


def test_the_badge_counts_what_others_did_and_the_page_shows_and_reads_it(logged_in, bob):
    alice = logged_in
    post = create_post(alice, caption="sunset")
    assert badge(alice) == 0
    press(bob, post, "like")
    add_comment(bob, post, "lovely <b>light</b> & @alice")
    follow(bob, "alice")
    assert badge(alice) == 3
    assert badge(alice, f"/posts/{post}") == 3  # every page
    found, next_url, html = entries(alice)
    assert found == [("follow", True, 1), ("comment", True, 1), ("like", True, 1)]
    assert next_url is None
    assert re.search(r'bob</a>\s+started following you\.', html)
    assert "lovely &lt;b&gt;light&lt;/b&gt; &amp; @alice" in html  # the comment's text, escaped
    assert "<b>light" not in html
    # The page's own badge already counts what it marked; the next page load agrees.
    assert BADGE_RE.search(html).group(1) == "0"
    assert badge(alice) == 0
    found, _, _ = entries(alice)
    assert [unread for _, unread, _ in found] == [False, False, False]


def test_undoing_an_action_takes_its_notification_back(logged_in, bob):
    alice = logged_in
    post = create_post(alice)
    press(bob, post, "like")
    response = add_comment(bob, post, "first!", headers={"Accept": "application/json"})
    follow(bob, "alice")
    assert badge(alice) == 3
    press(bob, post, "unlike")
    delete_comment(bob, response.get_json()["comment_id"])
    bob.post("/u/alice/unfollow", data={"csrf_token": csrf_token(bob, "/")})
    assert badge(alice) == 0
    assert entries(alice)[0] == []


def test_mentions_in_captions_and_comments(logged_in, bob, db):
    alice = logged_in
    post = create_post(alice, caption="with @bob and @nobody")
    seed_user(db, "carol")
    [carols] = seed_posts(db, db.execute("SELECT id FROM users WHERE username = 'carol'").fetchone()["id"], 1)
    add_comment(alice, carols, "@bob look at this")
    found, _, html = entries(bob)
    assert found == [("mention", True, 1), ("mention", True, 1)]
    assert "mentioned you in a comment: <q" in html and "mentioned you in a post." in html
    assert f'href="/posts/{post}"' in html
    # Editing the mention out of the caption takes that notification back.
    alice.post(f"/posts/{post}/edit", data={"csrf_token": csrf_token(alice, f"/posts/{post}/edit"),
                                            "caption": "just me", "alt_text": ""})
    assert [kind for kind, _, _ in entries(bob)[0]] == ["mention"]


def test_thirteen_likes_of_a_post_are_one_entry(logged_in, app, db):
    alice = logged_in
    post = create_post(alice)
    for i in range(13):
        fan = app.test_client()
        seed_user(db, f"fan{i:02d}")
        log_in_as(fan, db, f"fan{i:02d}")
        press(fan, post, "like")
    assert badge(alice) == 13
    found, _, html = entries(alice)
    assert found == [("like", True, 13)]
    assert re.search(r'fan12</a> and 12 others\s+liked your post\.', html)
    # The three newest likers' avatars (letters: they have no picture), newest first.
    assert re.findall(r'<a href="/u/(fan\d+)">\s*<span class="avatar', html) == ["fan12", "fan11", "fan10"]
    assert html.count('class="avatar') == 3  # the three newest likers only
    assert f'src="/media/post/{post}-' in html  # the post's thumbnail
    assert badge(alice) == 0


def test_pages_follow_the_keyset_and_mark_only_what_they_show(logged_in, app, db):
    alice = logged_in
    for i in range(25):
        fan = app.test_client()
        seed_user(db, f"fan{i:02d}")
        log_in_as(fan, db, f"fan{i:02d}")
        follow(fan, "alice")
    first, next_url, _ = entries(alice)
    assert len(first) == 20 and next_url
    assert badge(alice) == 5
    second, last, _ = entries(alice, next_url)
    assert len(second) == 5 and last is None
    assert all(unread for _, unread, _ in second)
    assert badge(alice) == 0
    assert alice.get("/notifications?before=nonsense").status_code == 400


def test_a_prefetch_or_a_head_request_marks_nothing(logged_in, bob):
    alice = logged_in
    post = create_post(alice)
    press(bob, post, "like")
    assert entries(alice, headers={"Sec-Purpose": "prefetch"})[0] == [("like", True, 1)]
    assert entries(alice, headers={"Sec-Purpose": "prefetch;prerender"})[0] == [("like", True, 1)]
    assert entries(alice, headers={"X-Moz": "prefetch"})[0] == [("like", True, 1)]
    assert alice.head("/notifications").status_code == 200
    assert badge(alice) == 1
    response = alice.get("/notifications")
    assert response.headers["Cache-Control"] == "no-store"
    assert badge(alice) == 0


@pytest.mark.parametrize("path", ["/", "/explore", "/notifications"])
def test_the_badge_costs_no_statement(logged_in, bob, monkeypatch, path):
    alice = logged_in
    post = create_post(alice)
    press(bob, post, "like")
    add_comment(bob, post, "hello")
    follow(bob, "alice")
    alice.get(path)  # warm
    with counting_statements(monkeypatch) as seen:
        response = alice.get(path)
    assert response.status_code == 200
    assert BADGE_RE.search(response.get_data(as_text=True))
    # The session's user (with the badge's count), then the page's one statement: feed pages and
    # /notifications alike.
    assert len(seen) <= 3 if path == "/" else len(seen) == 2, seen
