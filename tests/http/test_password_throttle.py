"""Every password check goes through the log-in throttle; a known browser is not locked out by
strangers' guesses; sign-ups are limited per client."""

import pytest

from tests.support.actions import PASSWORD, AuthActions, csrf_token, running_app, seed_user

NEW_PASSWORD = "an entirely new passphrase"


@pytest.fixture
def alice_client(app, db):
    seed_user(db, "alice")
    client = app.test_client()
    assert AuthActions(client).login("alice").status_code == 302
    return client


def change_password(client, current):
    return client.post("/settings/password", data={
        "csrf_token": csrf_token(client, "/settings/password"), "current": current,
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


def delete_account(client, password):
    return client.post("/settings/delete-account", data={
        "csrf_token": csrf_token(client, "/settings/profile"), "password": password})


def change_email(client, password):
    return client.post("/settings/account", data={
        "csrf_token": csrf_token(client, "/settings/account"), "username": "alice",
        "email": "new@example.com", "password": password})


@pytest.mark.parametrize("submit", [change_password, delete_account, change_email])
def test_a_stolen_session_gets_five_guesses_then_waits(alice_client, db, submit):
    for _ in range(5):
        assert submit(alice_client, "wrong password").status_code == 400
    refused = submit(alice_client, PASSWORD)  # even the right one, until the wait is over
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "Too many tries. Please wait" in refused.get_data(as_text=True)
    row = db.execute("SELECT email, password FROM users").fetchone()
    assert row["email"] == "alice@example.com"
    assert AuthActions(alice_client.application.test_client()).login("alice").status_code == 429


def test_guesses_at_log_in_count_for_the_settings_too(app, alice_client):
    stranger = AuthActions(app.test_client())
    for _ in range(5):
        stranger.login("alice", "wrong password")
    assert change_password(alice_client, PASSWORD).status_code == 429


def test_a_browser_that_logged_in_before_still_logs_in(app, db):
    seed_user(db, "alice")
    own = app.test_client()
    assert AuthActions(own).login("alice").status_code == 302
    device = own.get_cookie("device")
    assert device is not None and device.http_only
    AuthActions(own).logout()
    # Someone elsewhere guesses at alice's account until it must wait.
    stranger = AuthActions(app.test_client())
    for _ in range(6):
        stranger.login("alice", "wrong password")
    assert stranger.login("alice", PASSWORD).status_code == 429
    # alice's own browser is not kept out by the stranger's guesses.
    assert AuthActions(own).login("alice").status_code == 302


def test_a_forged_device_cookie_counts_for_nothing(app, db):
    seed_user(db, "alice")
    stranger = app.test_client()
    stranger.set_cookie("device", '{"d": "mine", "u": [1]}')
    for _ in range(6):
        AuthActions(stranger).login("alice", "wrong password")
    assert AuthActions(stranger).login("alice").status_code == 429


def test_a_device_cookie_over_https_is_host_prefixed(app, db):
    seed_user(db, "alice")
    client = app.test_client()
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/auth/login"}}
    page = client.get("/auth/login", **https).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    login = client.post("/auth/login", data={"csrf_token": token, "login": "alice", "password": PASSWORD}, **https)
    [cookie] = [c for c in login.headers.getlist("Set-Cookie") if c.startswith("__Host-device=")]
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def test_sign_ups_are_limited_per_client(app_config, db):
    with running_app({**app_config, "SIGNUP_LIMIT": 3}) as app:
        statuses = []
        for n in range(4):
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = "2001:db8:5:6::" + str(n + 1)  # one /64
            statuses.append(AuthActions(client).register(f"user{n}").status_code)
        assert statuses == [302, 302, 302, 429]
        assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 3
        # The "email taken" answer is a sign-up attempt too: it cannot be used to test addresses in bulk.
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "192.0.2.50"
        for _ in range(3):
            assert AuthActions(other).register("someone", email="user0@example.com").status_code == 400
        refused = AuthActions(other).register("someone", email="user1@example.com")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "already exists" not in refused.get_data(as_text=True)
        assert "Too many sign-ups" in refused.get_data(as_text=True)
