"""Every page but /auth/*, /healthz, /static/* and /media/* requires a log-in."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.actions import csrf_token

PROTECTED = [
    ("GET", "/"),
    ("GET", "/?before=abc"),
    ("GET", "/explore"),
    ("GET", "/notifications"),
    ("POST", "/u/alice/follow"),
    ("POST", "/u/alice/unfollow"),
    ("GET", "/u/alice/followers"),
    ("GET", "/u/alice/following"),
    ("GET", "/posts/new"),
    ("POST", "/posts/new"),
    ("GET", "/posts/1"),
    ("GET", "/posts/1/edit"),
    ("POST", "/posts/1/edit"),
    ("POST", "/posts/1/delete"),
    ("POST", "/posts/1/like"),
    ("POST", "/posts/1/unlike"),
    ("GET", "/posts/1/likes"),
    ("POST", "/posts/1/comments"),
    ("POST", "/comments/1/delete"),
    ("GET", "/u/alice"),
    ("GET", "/settings/profile"),
    ("POST", "/settings/profile"),
    ("GET", "/settings/password"),
    ("POST", "/settings/password"),
    ("POST", "/settings/delete-account"),
    ("GET", "/settings/sessions"), ("POST", "/settings/sessions/1/revoke"),
    ("POST", "/settings/sessions/revoke-others"),
    ("GET", "/settings/account"),
    ("POST", "/settings/account"),
    ("POST", "/settings/verify-email"),
    ("GET", "/tags/alice"),
    ("GET", "/search"),
]
PUBLIC_ENDPOINTS = {"auth.login", "auth.register", "auth.logout", "auth.forgot_password", "auth.reset_password",
                    "auth.verify_email", "health.healthz", "static", "media.serve"}


# POST-only routes cannot be returned to after log-in; without a Referer there is no next.
POST_ONLY = {"/posts/1/delete", "/posts/1/like", "/posts/1/unlike", "/posts/1/comments", "/comments/1/delete",
             "/settings/delete-account", "/settings/verify-email", "/u/alice/follow", "/u/alice/unfollow",
             "/settings/sessions/1/revoke", "/settings/sessions/revoke-others"}


def assert_redirects_to_login(response, path: str) -> None:
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login"
    expected = None if path in POST_ONLY else [path]
    assert parse_qs(location.query).get("next") == expected


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_anonymous_visit_redirects_to_login_with_next(client, db, method, path):
    if method == "GET":
        response = client.get(path)
    else:
        # A valid token, so that the log-in check (not CSRF) is what answers.
        response = client.post(path, data={"csrf_token": csrf_token(client)})
    assert_redirects_to_login(response, path)
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0


def test_every_route_outside_the_public_ones_requires_login(app, client):
    """Walk the URL map, so a route added later without @login_required fails here."""
    checked = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        path = rule.build({arg: 1 if rule._converters[arg].regex == r"\d+" else "alice"
                           for arg in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(path)
            else:
                response = client.open(path, method=method, data={"csrf_token": csrf_token(client)})
            assert_redirects_to_login(response, path)
            checked.add((method, path))
    assert checked == set(PROTECTED) - {("GET", "/?before=abc")}


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register", "/auth/forgot", "/healthz", "/static/app.css",
                                  "/static/likes.js", "/static/forms.js", "/static/uploads.js",
                                  "/static/landing/lake.svg"])
def test_public_pages_need_no_login(client, path):
    assert client.get(path).status_code == 200


def test_a_deep_link_says_why_it_led_to_the_landing_page(client):
    page = client.get("/settings/profile", follow_redirects=True).get_data(as_text=True)
    assert "Log in to see that page: you will go straight there." in page
    assert "Create an account" in page and 'name="login"' in page
    # Sent from the feed, a visitor just sees the landing page: no message about a page they never asked for.
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Log in to see that page" not in page and "Please log in" not in page
