"""Security headers and cookies on every response, and no open redirect through ?next=."""

import re
from urllib.parse import quote, urlsplit

import pytest

from tests.support.actions import PASSWORD, AuthActions, create_post, csrf_token, media_url, running_app

EVIL_NEXT = [
    "https://evil.example/", "http://evil.example", "//evil.example", "///evil.example", "////evil.example/x",
    "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\t/evil.example", "/\n/evil.example",
    "http:evil.example", "https:/evil.example", "javascript:alert(1)", "data:text/html,<script>x</script>",
    " //evil.example", "evil.example", "/\r\nSet-Cookie: pwned=1", "%2F%2Fevil.example",
]


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, where: str) -> None:
    headers = response.headers
    csp = csp_directives(headers.get("Content-Security-Policy", ""))
    assert csp.get("frame-ancestors") == ["'none'"], where
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src, where
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(script_src), where
    assert csp.get("object-src") == ["'none'"], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") in ("no-referrer", "same-origin", "strict-origin",
                                              "strict-origin-when-cross-origin"), where
    assert headers.get("X-Frame-Options") == "DENY", where


def assert_no_inline_script(html: str, where: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        assert "src=" in tag, (where, tag)
    assert not re.search(r"<script\b[^>]*>[^<]+</script>", html, flags=re.I), where
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), where
    assert "javascript:" not in html.lower(), where


def test_headers_on_every_page(app, logged_in, another_client, db):
    post_id = create_post(logged_in, caption="hello")
    key = db.execute("SELECT image FROM posts").fetchone()["image"]
    anonymous = app.test_client()
    token = csrf_token(logged_in, "/")
    responses = {
        "login": anonymous.get("/auth/login"),
        "register": anonymous.get("/auth/register"),
        "healthz": anonymous.get("/healthz"),
        "css": anonymous.get("/static/app.css"),
        "js": anonymous.get("/static/likes.js"),
        "anonymous redirect": anonymous.get("/"),
        "csrf failure": logged_in.post(f"/posts/{post_id}/like"),
        "feed": logged_in.get("/"),
        "new post": logged_in.get("/posts/new"),
        "post": logged_in.get(f"/posts/{post_id}"),
        "edit": logged_in.get(f"/posts/{post_id}/edit"),
        "likers": logged_in.get(f"/posts/{post_id}/likes"),
        "profile": logged_in.get("/u/alice"),
        "settings": logged_in.get("/settings/profile"),
        "password": logged_in.get("/settings/password"),
        "media": logged_in.get(media_url(app, key)),
        "media unsigned": logged_in.get(f"/media/{key}"),
        "like json": logged_in.post(f"/posts/{post_id}/like", data={"csrf_token": token},
                                    headers={"Accept": "application/json"}),
        "like redirect": logged_in.post(f"/posts/{post_id}/unlike", data={"csrf_token": token}),
        "403": another_client.get(f"/posts/{post_id}/edit"),
        "404": logged_in.get("/posts/999999"),
        "405": logged_in.get(f"/posts/{post_id}/like"),
        "400 bad cursor": logged_in.get("/?before=garbage"),
        "media 404": logged_in.get(media_url(app, "post/1-20260101T000000000000Z.jpg")),
    }
    for where, response in responses.items():
        assert response.status_code < 500, where
        assert_security_headers(response, where)
        if response.mimetype == "text/html":
            assert_no_inline_script(response.get_data(as_text=True), where)


def test_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    response = AuthActions(client).register("alice")
    cookies = response.headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith("session=")]
    assert session, cookies
    for cookie in session:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_remembered_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    AuthActions(client).register("alice")
    AuthActions(client).logout()
    response = AuthActions(client).login("alice", remember=True)
    assert response.status_code == 302
    remembered = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=") and "Expires=" in c]
    assert remembered
    for cookie in remembered:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def assert_local(location: str) -> None:
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), location
    assert parts.path.startswith("/") and not parts.path.startswith("//") and "\\" not in location, location


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_login_next_never_leaves_the_site(app, target):
    client = app.test_client()
    AuthActions(client).register("alice")
    AuthActions(client).logout()
    url = "/auth/login?next=" + quote(target, safe="")
    response = client.post(url, data={"csrf_token": csrf_token(client), "login": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/", target
    assert_local(response.headers["Location"])
    # Already logged in: the same link still lands on the feed.
    again = client.get(url)
    assert again.status_code == 302 and again.headers["Location"] == "/", target


def test_login_next_keeps_local_paths(auth, client):
    auth.register("alice")
    auth.logout()
    response = auth.login("alice", next=quote("/u/alice?before=x", safe="/"))
    assert response.headers["Location"] == "/u/alice?before=x"


@pytest.mark.parametrize("action", ["like", "unlike"])
def test_like_next_never_leaves_the_site(logged_in, action):
    post_id = create_post(logged_in)
    token = csrf_token(logged_in, "/")
    for target in EVIL_NEXT:
        by_query = logged_in.post(f"/posts/{post_id}/{action}?next={quote(target, safe='')}",
                                  data={"csrf_token": token})
        by_form = logged_in.post(f"/posts/{post_id}/{action}", data={"csrf_token": token, "next": target})
        for response in (by_query, by_form):
            assert response.status_code == 302
            assert response.headers["Location"] == f"/posts/{post_id}#post-{post_id}", target
            assert_local(response.headers["Location"])
    local = logged_in.post(f"/posts/{post_id}/{action}?next=/u/alice", data={"csrf_token": token})
    assert local.headers["Location"] == f"/u/alice#post-{post_id}"


def test_pages_and_redirects_are_never_stored_media_and_static_keep_their_policy(app, logged_in, db):
    post_id = create_post(logged_in, caption="hello")
    token = csrf_token(logged_in, "/")
    anonymous = app.test_client()
    private = {
        "feed": logged_in.get("/"),
        "post": logged_in.get(f"/posts/{post_id}"),
        "edit": logged_in.get(f"/posts/{post_id}/edit"),
        "likers": logged_in.get(f"/posts/{post_id}/likes"),
        "profile": logged_in.get("/u/alice"),
        "settings": logged_in.get("/settings/profile"),
        "password": logged_in.get("/settings/password"),
        "new post": logged_in.get("/posts/new"),
        "like redirect": logged_in.post(f"/posts/{post_id}/like", data={"csrf_token": token}),
        "like json": logged_in.post(f"/posts/{post_id}/unlike", data={"csrf_token": token},
                                    headers={"Accept": "application/json"}),
        "404": logged_in.get("/posts/999999"),
        "log-in form": anonymous.get("/auth/login"),
        "log-in redirect": anonymous.get("/"),
        "log-out redirect": AuthActions(logged_in).logout(),
    }
    for where, response in private.items():
        assert response.headers["Cache-Control"] == "no-store", where
    assert anonymous.get("/static/app.css").headers["Cache-Control"] == "no-cache"


def test_https_adds_hsts_and_every_page_a_permissions_policy(app, client):
    plain = client.get("/auth/login")
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/auth/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    for response in (plain, secure):
        policy = dict(part.strip().split("=", 1) for part in response.headers["Permissions-Policy"].split(","))
        assert {policy[feature] for feature in ("camera", "microphone", "geolocation", "payment")} == {"()"}


def test_behind_a_proxy_https_is_what_the_proxy_says(app_config, db):
    with running_app({**app_config, "TRUST_PROXY_HEADERS": True}) as app:
        client = app.test_client()
        forwarded = client.get("/auth/login", headers={"X-Forwarded-Proto": "https"})
        assert forwarded.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert "Strict-Transport-Security" not in client.get("/auth/login").headers
