"""Markup in user input renders as text on every page that shows it."""

import psycopg
import pytest

from tests.support.actions import PASSWORD, create_post, csrf_token, press

SCRIPT = "<script>alert('xss')</script>"
ATTRIBUTE = "\"><img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT} {ATTRIBUTE} <b>bold</b> javascript:alert(1)"


def assert_inert(html: str) -> None:
    """None of the payload's markup survives as markup."""
    for raw in (SCRIPT, "<img src=x", "<b>bold</b>", "onerror=alert(1)>"):
        assert raw not in html, raw


@pytest.fixture
def post_with_markup(logged_in, another_client):
    post_id = create_post(logged_in, caption=PAYLOAD, alt_text=PAYLOAD)
    # bob likes it so the likers list has an entry
    press(another_client, post_id, "like")
    return post_id


def test_caption_and_alt_text_render_as_text_everywhere(logged_in, another_client, post_with_markup):
    post_id = post_with_markup
    pages = ["/", "/explore", f"/posts/{post_id}", "/u/alice", f"/posts/{post_id}/likes", f"/posts/{post_id}/edit"]
    for client in (logged_in, another_client):
        for path in pages:
            response = client.get(path)
            if path.endswith("/edit") and client is another_client:
                assert response.status_code == 403
                continue
            assert response.status_code == 200, path
            html = response.get_data(as_text=True)
            assert_inert(html)
            # Bob follows nobody: his home feed has no posts; explore shows alice's.
            if path in ("/explore", f"/posts/{post_id}") or (path == "/" and client is logged_in):
                # The caption is shown, escaped, not dropped.
                assert "&lt;script&gt;alert(" in html, path
                assert "&lt;b&gt;bold&lt;/b&gt;" in html, path


def test_page_titles_hold_no_markup(logged_in, post_with_markup):
    for path in ("/", "/explore", f"/posts/{post_with_markup}", "/u/alice", f"/posts/{post_with_markup}/likes"):
        html = logged_in.get(path).get_data(as_text=True)
        title = html.split("<title>", 1)[1].split("</title>", 1)[0]
        assert "<" not in title and ">" not in title, (path, title)


@pytest.mark.parametrize("username", [SCRIPT, "<b>x</b>", ATTRIBUTE, "a\"onmouseover=\"x"])
def test_username_with_markup_is_refused_and_echoed_as_text(client, db, username):
    response = client.post("/auth/register", data={
        "csrf_token": csrf_token(client, "/auth/register"), "username": username,
        "email": "x@example.com", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert_inert(html)
    assert "onmouseover=\"x" not in html
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0


def test_database_refuses_markup_usernames_even_without_the_app(db):
    # A DBA's guarantee: whatever writes to users, a name can never carry markup.
    with pytest.raises(psycopg.errors.CheckViolation):
        db.execute("INSERT INTO users (username, email, password) VALUES (%s, %s, %s)",
                   ["<script>", "x@example.com", "scrypt:1:1:1$salt$hash"])


def test_flashed_messages_and_likers_show_usernames_as_text(app, logged_in):
    # Usernames may hold dots and underscores: they appear in flashes and likers lists verbatim.
    client = app.test_client()
    response = client.post("/auth/register", data={
        "csrf_token": csrf_token(client, "/auth/register"), "username": "x.y_z",
        "email": "xyz@example.com", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    feed = client.get("/").get_data(as_text=True)
    assert '<p class="flash flash-success">Welcome to photoshare, x.y_z!</p>' in feed
    post_id = create_post(logged_in, caption=PAYLOAD)
    press(client, post_id, "like")
    likers = logged_in.get(f"/posts/{post_id}/likes").get_data(as_text=True)
    assert '<a class="author" href="/u/x.y_z">x.y_z</a>' in likers
    assert_inert(likers)


def test_next_parameter_is_escaped_in_the_login_form(client):
    html = client.get("/auth/login?next=" + "/%22%3E%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert '"><script>' not in html
