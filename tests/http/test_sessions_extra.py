"""Returning to the right page after log-in, proxies, and pruning of old log-in failures."""

from urllib.parse import parse_qs, urlsplit

from tests.support.actions import AuthActions, csrf_token, running_app


def _next_of(response) -> str | None:
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return query.get("next", [None])[0]


def test_anonymous_get_returns_to_the_same_page(client):
    response = client.get("/u/alice?before=abc")
    assert response.status_code == 302
    assert _next_of(response) == "/u/alice?before=abc"


def test_anonymous_like_returns_to_the_page_it_was_on(client):
    response = client.post("/posts/7/like", data={"csrf_token": csrf_token(client)},
                           headers={"Referer": "http://localhost/?before=xyz"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"
    # Not /posts/7/like, which only answers POST: the page with the button.
    assert _next_of(response) == "/?before=xyz"


def test_anonymous_like_from_another_site_gets_no_next(client):
    response = client.post("/posts/7/like", data={"csrf_token": csrf_token(client)},
                           headers={"Referer": "https://evil.example/page"})
    assert response.status_code == 302
    assert _next_of(response) is None


def test_trusted_proxy_headers_give_the_client_address(app_config, db):
    with running_app({**app_config, "TRUST_PROXY_HEADERS": True, "LOGIN_MAX_FAILURES_PER_CLIENT": 2,
                      "LOGIN_MAX_FAILURES": 100}) as app:
        client = app.test_client()
        auth = AuthActions(client)
        proxied = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        for name in ("x1", "x2"):
            client.environ_base.update({"HTTP_X_FORWARDED_FOR": proxied["X-Forwarded-For"]})
            assert auth.login(name, "wrong password").status_code == 400
        rows = db.execute("SELECT DISTINCT client_addr FROM login_attempt").fetchall()
        assert rows == [{"client_addr": "203.0.113.9"}]
        assert auth.login("x3", "wrong password").status_code == 429
        # Another client behind the same proxy is not throttled.
        client.environ_base.update({"HTTP_X_FORWARDED_FOR": "198.51.100.7"})
        assert auth.login("x4", "wrong password").status_code == 400


def test_old_login_failures_are_pruned(auth, db):
    db.execute("INSERT INTO login_attempt (login, client_addr, attempted_at) "
               "VALUES ('old', '192.0.2.1', now() - interval '2 days')")
    assert auth.login("someone", "wrong password").status_code == 400
    logins = [r["login"] for r in db.execute("SELECT login FROM login_attempt")]
    assert logins == ["someone"]
