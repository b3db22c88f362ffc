"""Sessions kept on the server (user_session): log-out ends them, they time out, their tokens
rotate, the account lists and ends them, and the cookie carries nothing but the token."""

import hashlib
import re

import pytest

from tests.support.actions import PASSWORD, AuthActions, counting_statements, csrf_token, seed_posts, seed_user


@pytest.fixture
def alice_client(app, db):
    """A browser logged in to alice's account with the log-in form."""
    seed_user(db, "alice")
    client = app.test_client()
    assert AuthActions(client).login("alice", PASSWORD).status_code == 302
    return client


SETTINGS = "/settings/profile"


def is_logged_in(client) -> bool:
    return client.get("/").status_code == 200


def copy_of(client, app):
    """Another browser holding a copy of this one's session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def session_token(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"]


def test_a_copied_cookie_is_worthless_after_log_out(app, alice_client):
    thief = copy_of(alice_client, app)
    assert is_logged_in(thief)
    AuthActions(alice_client).logout()
    assert not is_logged_in(alice_client)
    assert not is_logged_in(thief)


def test_a_remembered_cookie_is_worthless_after_log_out(app, db):
    seed_user(db, "alice")
    client = app.test_client()
    AuthActions(client).login("alice", remember=True)
    thief = copy_of(client, app)
    AuthActions(client).logout()
    assert not is_logged_in(thief)


def test_the_database_keeps_the_tokens_hash_not_the_token(alice_client, db):
    token = session_token(alice_client)
    rows = db.execute("SELECT token_hash, device, network::text AS network, remember FROM user_session").fetchall()
    assert rows == [{"token_hash": hashlib.sha256(token.encode()).digest(), "device": "Werkzeug",
                     "network": "127.0.0.0/24", "remember": False}]


def test_the_cookie_holds_no_address_and_no_user_id(alice_client, db):
    with alice_client.session_transaction() as session:
        assert set(session) <= {"_user_id", "_fresh", "_permanent", "csrf_token", "_flashes"}
        assert "_id" not in session  # Flask-Login's hash of the address and user agent
    user_id = db.execute("SELECT id FROM users").fetchone()["id"]
    assert not session_token(alice_client).startswith(f"{user_id}:")


def test_an_idle_session_ends(app, alice_client, db):
    db.execute("UPDATE user_session SET last_seen_at = now() - interval '12 hours 1 minute'")
    assert not is_logged_in(alice_client)


def test_a_session_ends_at_its_absolute_lifetime_however_active(app, alice_client, db):
    db.execute("UPDATE user_session SET created_at = now() - interval '13 hours', "
               "expires_at = now() - interval '1 second'")
    assert not is_logged_in(alice_client)


def test_remember_me_sessions_last_30_days_idle_and_90_in_all(app, db):
    seed_user(db, "alice")
    client = app.test_client()
    AuthActions(client).login("alice", remember=True)
    row = db.execute("SELECT idle_timeout, expires_at - created_at AS lifetime FROM user_session").fetchone()
    assert row["idle_timeout"].days == 30 and row["lifetime"].days == 90
    db.execute("UPDATE user_session SET last_seen_at = now() - interval '29 days'")
    assert is_logged_in(client)
    db.execute("UPDATE user_session SET last_seen_at = now() - interval '31 days'")
    assert not is_logged_in(client)


def test_last_seen_is_written_at_most_once_a_minute(alice_client, db):
    alice_client.get("/")
    before = db.execute("SELECT last_seen_at, updated_at FROM user_session").fetchone()
    for _ in range(3):
        assert is_logged_in(alice_client)
    assert db.execute("SELECT last_seen_at, updated_at FROM user_session").fetchone() == before
    db.execute("UPDATE user_session SET last_seen_at = now() - interval '61 seconds'")
    assert is_logged_in(alice_client)
    after = db.execute("SELECT last_seen_at > now() - interval '5 seconds' AS fresh FROM user_session").fetchone()
    assert after["fresh"]


def test_the_feed_checks_the_session_in_its_user_statement(alice_client, db, monkeypatch):
    seed_posts(db, db.execute("SELECT id FROM users").fetchone()["id"], 25)
    alice_client.get("/")
    # A page load that also notes the session as seen: still no extra statement.
    db.execute("UPDATE user_session SET last_seen_at = now() - interval '2 minutes'")
    with counting_statements(monkeypatch) as seen:
        assert alice_client.get("/").status_code == 200
    assert len(seen) <= 3, seen
    assert sum("user_session" in statement for statement in seen) == 1


def test_an_old_token_is_replaced_on_use_and_the_old_one_stops_working(app, alice_client, db):
    old = session_token(alice_client)
    thief = copy_of(alice_client, app)
    db.execute("UPDATE user_session SET rotated_at = now() - interval '61 minutes'")
    assert is_logged_in(alice_client)
    new = session_token(alice_client)
    assert new != old
    assert db.execute("SELECT token_hash FROM user_session").fetchone()["token_hash"] == \
        hashlib.sha256(new.encode()).digest()
    # A request in flight with the old token still works for a minute, and learns the new one.
    assert is_logged_in(thief)
    assert session_token(thief) == new
    late = app.test_client()
    with late.session_transaction() as session:
        session["_user_id"] = old
    db.execute("UPDATE user_session SET rotated_at = now() - interval '2 minutes'")
    assert not is_logged_in(late)
    assert is_logged_in(alice_client)


def sessions_page(client) -> str:
    response = client.get("/settings/sessions")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def session_items(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="session" data-current="(true|false)" data-session-id="(\d+)"', html)


def test_the_sessions_page_lists_each_browser_and_marks_this_one(app, alice_client):
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
                                             "Chrome/126.0 Mobile Safari/537.36")
    AuthActions(phone).login("alice")
    html = sessions_page(alice_client)
    items = session_items(html)
    assert [current for current, _ in items].count("true") == 1 and len(items) == 2
    assert "network 127.0.0.0/24" in html and "Last seen" in html and "Chrome on Android" in html


def test_logging_out_another_session_from_the_list(app, alice_client):
    other = app.test_client()
    AuthActions(other).login("alice")
    [(_, other_id)] = [item for item in session_items(sessions_page(alice_client)) if item[0] == "false"]
    response = alice_client.post(f"/settings/sessions/{other_id}/revoke",
                                 data={"csrf_token": csrf_token(alice_client, SETTINGS)})
    assert response.status_code == 302
    assert not is_logged_in(other)
    assert is_logged_in(alice_client)
    assert len(session_items(sessions_page(alice_client))) == 1


def test_log_out_everywhere_else(app, alice_client):
    others = [app.test_client() for _ in range(2)]
    for other in others:
        AuthActions(other).login("alice")
    response = alice_client.post("/settings/sessions/revoke-others",
                                 data={"csrf_token": csrf_token(alice_client, SETTINGS)})
    assert response.status_code == 302
    assert not any(is_logged_in(other) for other in others)
    assert is_logged_in(alice_client)


def test_logging_out_this_session_from_the_list_is_a_log_out(app, alice_client):
    [(_, own_id)] = session_items(sessions_page(alice_client))
    thief = copy_of(alice_client, app)
    alice_client.post(f"/settings/sessions/{own_id}/revoke", data={"csrf_token": csrf_token(alice_client, SETTINGS)})
    assert not is_logged_in(alice_client) and not is_logged_in(thief)


def test_someone_elses_session_cannot_be_ended(app, alice_client, db):
    seed_user(db, "bob")
    bob = app.test_client()
    AuthActions(bob).login("bob")
    bob_session = db.execute("SELECT s.id FROM user_session s JOIN users u ON u.id = s.user_id "
                             "WHERE u.username = 'bob'").fetchone()["id"]
    response = alice_client.post(f"/settings/sessions/{bob_session}/revoke",
                                 data={"csrf_token": csrf_token(alice_client, SETTINGS)})
    assert response.status_code == 404
    assert is_logged_in(bob)


def test_revoking_needs_the_csrf_token(app, alice_client):
    other = app.test_client()
    AuthActions(other).login("alice")
    assert alice_client.post("/settings/sessions/revoke-others").status_code == 400
    assert is_logged_in(other)


def test_the_page_lists_the_fifty_most_recent_sessions_and_log_out_everywhere_else_ends_them_all(app, alice_client,
                                                                                                   db):
    # A script that logged in 80 times from elsewhere, each an older session than this browser's.
    db.execute("""
        INSERT INTO user_session (user_id, token_hash, remember, device, idle_timeout, expires_at, last_seen_at)
        SELECT u.id, sha256(('script ' || n)::bytea), false, 'A script', interval '12 hours',
               now() + interval '12 hours', now() - n * interval '1 second'
        FROM users u, generate_series(1, 80) n WHERE u.username = 'alice'""")
    html = sessions_page(alice_client)
    items = session_items(html)
    assert len(items) == 50 and items[0][0] == "true"  # this browser's, the most recently seen
    assert "50 most recently used; there are more" in html
    response = alice_client.post("/settings/sessions/revoke-others",
                                 data={"csrf_token": csrf_token(alice_client, SETTINGS)})
    assert response.status_code == 302
    live = db.execute("SELECT count(*) AS n FROM user_session s JOIN users u ON u.id = s.user_id "
                      "WHERE u.username = 'alice' AND s.revoked_at IS NULL").fetchone()["n"]
    assert live == 1 and is_logged_in(alice_client)
    html = sessions_page(alice_client)
    assert len(session_items(html)) == 1 and "there are more" not in html
