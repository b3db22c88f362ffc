"""New passwords: 12 to 128 characters, not easy to guess; the owner is told when one is set."""

import pytest

from tests.support.actions import PASSWORD, AuthActions, csrf_token, seed_user


@pytest.mark.parametrize(("password", "message"), [
    ("eleven char", "Use 12 to 128 characters."),
    ("password1234", "That password is easy to guess"),
    ("qwertyuiop123", "That password is easy to guess"),
    ("aaaaaaaaaaaaaaaa", "That password is easy to guess"),
    ("iloveyou2024!", "That password is easy to guess"),
    ("dorothy.gale.1939", "That password is easy to guess"),  # the username, and a date
])
def test_short_or_common_passwords_are_refused_at_sign_up(client, db, password, message):
    response = AuthActions(client).register("dorothy.gale", email="dorothy.gale@example.com", password=password)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0


def test_a_long_uncommon_password_is_accepted(client, db):
    assert AuthActions(client).register("alice", password="violet ferry under paper").status_code == 302


def test_the_owner_is_mailed_when_the_password_changes(app, db, mailbox):
    seed_user(db, "alice")
    client = app.test_client()
    AuthActions(client).login("alice")
    response = client.post("/settings/password", data={
        "csrf_token": csrf_token(client, "/settings/password"), "current": PASSWORD,
        "password": "violet ferry under paper", "confirm": "violet ferry under paper"})
    assert response.status_code == 302
    [notice] = mailbox.wait_for("alice@example.com", subject="Your photoshare password was changed")
    assert "/auth/forgot" in notice.message.get_content()


def test_a_common_new_password_is_refused_in_the_settings(app, db):
    seed_user(db, "alice")
    client = app.test_client()
    AuthActions(client).login("alice")
    response = client.post("/settings/password", data={
        "csrf_token": csrf_token(client, "/settings/password"), "current": PASSWORD,
        "password": "password12345", "confirm": "password12345"})
    assert response.status_code == 400
    assert "That password is easy to guess" in response.get_data(as_text=True)
