"""Sign-up, log-in, log-out, session cookies, open redirects and the log-in throttle."""

import re
import threading
import time
from urllib.parse import quote, urlsplit

import pytest

from photoshare.services.sessions import token_hash
from tests.support.actions import (
    CSRF_RE,
    PASSWORD,
    SEEDED_HASH,
    AuthActions,
    csrf_token,
    running_app,
    seed_user,
    user_id,
)


def users(db):
    return db.execute("SELECT username, email, password FROM users ORDER BY id").fetchall()


def is_logged_in(client) -> bool:
    return client.get("/").status_code == 200


# --- registration -----------------------------------------------------------------------

def test_register_page_has_labelled_fields(client):
    html = client.get("/auth/register").get_data(as_text=True)
    for name in ("username", "email", "password", "confirm"):
        assert f'<label for="{name}"' in html
        assert re.search(rf"<input[^>]*\bid=\"{name}\"", html)


def test_register_creates_user_and_profile_and_logs_in(auth, db):
    response = auth.register("alice", email="Alice@Example.com")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    [row] = users(db)
    assert row["username"] == "alice" and row["email"] == "Alice@Example.com"
    # A salted slow hash, never the password itself.
    assert row["password"].startswith(("scrypt:", "pbkdf2:", "$argon2"))
    assert PASSWORD not in row["password"]
    profile = db.execute("SELECT p.image FROM profile p JOIN users u ON u.id = p.user_id").fetchall()
    assert profile == [{"image": None}]
    page = auth.client.get("/")
    assert page.status_code == 200
    assert "Welcome to photoshare, alice!" in page.get_data(as_text=True)


def test_blanks_around_names_are_dropped(auth, db):
    assert auth.register(" alice ", email=" alice@example.com\t").status_code == 302
    assert [(row["username"], row["email"]) for row in users(db)] == [("alice", "alice@example.com")]
    auth.logout()
    assert auth.login("  Alice ").status_code == 302


def test_two_accounts_get_different_salts(app, db):
    AuthActions(app.test_client()).register("alice")
    AuthActions(app.test_client()).register("bob")
    hashes = [row["password"] for row in users(db)]
    assert len(set(hashes)) == 2


@pytest.mark.parametrize(("first", "second", "field_message"), [
    (("alice", "alice@example.com"), ("ALICE", "other@example.com"), "That username is taken."),
    (("alice", "alice@example.com"), ("Alice", "x@example.com"), "That username is taken."),
    (("alice", "alice@example.com"), ("bob", "ALICE@example.COM"), "An account with that email already exists."),
])
def test_duplicate_username_or_email_in_another_case(app, db, first, second, field_message):
    assert AuthActions(app.test_client()).register(first[0], email=first[1]).status_code == 302
    other = app.test_client()
    response = AuthActions(other).register(second[0], email=second[1])
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    assert len(users(db)) == 1
    assert db.execute("SELECT count(*) AS n FROM profile").fetchone()["n"] == 1
    assert not is_logged_in(other)


USERNAME_RULE = "Use 1 to 30 letters, digits, underscores or dots, with no dot at the start or end and no two in a row."


@pytest.mark.parametrize(("username", "email", "password", "confirm", "message"), [
    ("alice", "alice@example.com", "short", "short", "Use 12 to 128 characters."),
    # Over the limit: refused, in both fields, with the limit stated (never cut to fit).
    ("alice", "alice@example.com", "x" * 129, "x" * 129, "Use 12 to 128 characters."),
    (".", "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
    ("..", "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
    (".alice", "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
    ("alice.", "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
    ("al..ice", "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
    ("alice", "alice@example.com", "correct horse", "correct horsE", "The passwords do not match."),
    ("alicealice", "alice@example.com", "AliceAlice", "AliceAlice", "The password must not be your username."),
    ("al ice", "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
    ("al-ice", "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
    ("a" * 31, "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
    ("", "alice@example.com", PASSWORD, PASSWORD, "This field is required."),
    ("alice", "not-an-email", PASSWORD, PASSWORD, "Enter a valid email address."),
    ("alice", "alice@", PASSWORD, PASSWORD, "Enter a valid email address."),
    ("alice", "ali\x00ce@example.com", PASSWORD, PASSWORD, "Enter a valid email address."),
    ("alice\nbob", "alice@example.com", PASSWORD, PASSWORD, USERNAME_RULE),
])
def test_register_rejects_bad_input(auth, db, username, email, password, confirm, message):
    response = auth.register(username, email=email, password=password, confirm=confirm)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    # The message sits next to its field.
    assert 'class="field-error"' in html
    assert users(db) == []


def test_username_race_gives_the_loser_the_form_back(app, db, database_url):
    """Another sign-up holds 'carol' uncommitted; ours waits on the unique index, then loses."""
    import psycopg

    client = app.test_client()
    token = csrf_token(client, "/auth/register")
    result = {}

    def sign_up():
        result["response"] = client.post("/auth/register", data={
            "csrf_token": token, "username": "Carol", "email": "carol2@example.com",
            "password": PASSWORD, "confirm": PASSWORD})

    with psycopg.connect(database_url) as rival:
        rival.execute("INSERT INTO users (username, email, password) VALUES ('carol', 'carol@example.com', %s)",
                      (SEEDED_HASH,))
        thread = threading.Thread(target=sign_up)
        thread.start()
        # Wait until our INSERT is blocked behind the rival's uncommitted row.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            waiting = db.execute("SELECT count(*) AS n FROM pg_stat_activity "
                                 "WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO users%%'").fetchone()
            if waiting["n"]:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the sign-up never waited on the rival's row")
        rival.commit()
    thread.join(10)
    response = result["response"]
    assert response.status_code == 400
    assert "That username is taken." in response.get_data(as_text=True)
    assert [row["username"] for row in users(db)] == ["carol"]
    assert db.execute("SELECT count(*) AS n FROM profile").fetchone()["n"] == 0


def test_register_redirects_when_logged_in(logged_in):
    response = logged_in.get("/auth/register")
    assert response.status_code == 302 and response.headers["Location"] == "/"


# --- log in and out ---------------------------------------------------------------------------

@pytest.fixture
def alice(auth):
    """alice has an account; the client is logged out again."""
    assert auth.register("alice", email="alice@example.com").status_code == 302
    assert auth.logout().status_code == 302
    return auth


@pytest.mark.parametrize("login", ["alice", "ALICE", "alice@example.com", "Alice@EXAMPLE.com"])
def test_login_by_username_or_email_in_any_case(alice, login):
    response = alice.login(login)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_logged_in(alice.client)


@pytest.mark.parametrize(("login", "password"), [
    ("alice", "wrong password"),
    ("nobody", PASSWORD),
    ("nobody@example.com", "wrong password"),
])
def test_wrong_credentials_give_one_generic_message(alice, login, password):
    response = alice.login(login, password=password)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Wrong username, email or password." in html
    assert "not found" not in html.lower()
    assert not is_logged_in(alice.client)


def test_login_with_nul_is_a_form_error(alice, db):
    response = alice.login("ali\x00ce")
    assert response.status_code == 400
    assert "Enter your username or email." in response.get_data(as_text=True)
    assert not is_logged_in(alice.client)


def test_logout_is_a_post_with_csrf(logged_in):
    assert logged_in.get("/auth/logout").status_code == 405
    missing = logged_in.post("/auth/logout")
    assert missing.status_code == 400
    assert is_logged_in(logged_in)
    response = logged_in.post("/auth/logout", data={"csrf_token": csrf_token(logged_in, "/")})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert "You are logged out." in logged_in.get("/auth/login").get_data(as_text=True)
    assert not is_logged_in(logged_in)


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register"])
def test_csrf_missing_is_400_and_the_form_comes_back_with_its_text(client, db, path):
    response = client.post(path, data={"login": "alice.liddell", "username": "alice.liddell",
                                       "email": "a@example.com", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page and "please check it and send it again" in page
    assert 'value="alice.liddell"' in page
    assert CSRF_RE.search(page), "the form comes back with a token of this session"
    assert users(db) == []


def test_csrf_token_of_another_session_is_400(app, alice):
    stranger_token = csrf_token(app.test_client())
    response = alice.client.post("/auth/login", data={"csrf_token": stranger_token, "login": "alice",
                                                      "password": PASSWORD})
    assert response.status_code == 400
    assert not is_logged_in(alice.client)


def test_next_local_path_is_followed(alice):
    response = alice.login(next=quote("/u/alice?tab=posts", safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == "/u/alice?tab=posts"


@pytest.mark.parametrize("target", [
    "//evil.example",
    "//evil.example/path",
    "https://evil.example/",
    "http:evil.example",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "evil.example",
    "///evil.example",
    "https:///evil.example",
])
def test_next_off_site_is_ignored(alice, target):
    response = alice.login(next=quote(target, safe=""))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/"
    assert is_logged_in(alice.client)


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_next_off_site_is_ignored_when_already_logged_in(logged_in, target):
    response = logged_in.get("/auth/login?next=" + quote(target, safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_survives_the_login_form(client, alice):
    """The redirect to log-in carries next, and the form posts it back."""
    start = client.get("/u/alice")
    assert start.status_code == 302
    login_url = start.headers["Location"]
    assert urlsplit(login_url).path == "/auth/login"
    page = client.get(login_url).get_data(as_text=True)
    assert 'action="/auth/login?next=/u/alice"' in page
    response = client.post(login_url, data={"csrf_token": csrf_token(client), "login": "alice",
                                            "password": PASSWORD})
    assert response.headers["Location"] == "/u/alice"


# --- cookies and sessions ----------------------------------------------------------------------

def set_cookie_headers(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_session_cookie_is_httponly_and_samesite_lax(alice):
    cookies = set_cookie_headers(alice.login())
    session_cookie = cookies["session"]
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie
    # Without "remember me" there is no long-lived cookie.
    assert "remember_token" not in cookies


def test_cookies_are_secure_and_host_prefixed_over_https(app, db):
    seed_user(db, "alice")
    client = app.test_client()
    https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/auth/login"}}
    page = client.get("/auth/login", **https)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert "Secure" in set_cookie_headers(page)["__Host-session"]
    login = client.post("/auth/login", data={"csrf_token": token, "login": "alice", "password": PASSWORD,
                                             "remember": "y"}, **https)
    assert login.status_code == 302
    cookies = set_cookie_headers(login)
    # __Host-: Secure, Path=/ and no Domain, or browsers refuse it.
    session_cookie = cookies["__Host-session"]
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie and "Path=/" in session_cookie
    assert "Domain=" not in session_cookie
    assert "session" not in cookies and "remember_token" not in cookies
    assert client.get("/", **https).status_code == 200


def test_remember_me_makes_the_session_cookie_outlive_the_browser(app, alice):
    response = alice.login(remember=True)
    cookie = set_cookie_headers(response)["session"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie
    # No user id in a cookie of its own (Flask-Login's remember cookie is not used).
    assert "remember_token" not in set_cookie_headers(response)
    # A new browser with the cookie (kept across a restart) is logged in.
    later = app.test_client()
    later.set_cookie("session", alice.client.get_cookie("session").value)
    assert is_logged_in(later)


def test_without_remember_me_the_cookie_ends_with_the_browser(alice):
    assert "Expires=" not in set_cookie_headers(alice.login())["session"]


def test_session_is_renewed_at_login(alice, db):
    with alice.client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = alice.client.get_cookie("session").value
    alice.login()
    assert alice.client.get_cookie("session").value != before
    with alice.client.session_transaction() as session:
        assert "planted" not in session
        token = session["_user_id"]
    # A random token whose hash names alice's live session, not the user's id.
    alice_id = user_id(db, "alice")
    assert len(token) >= 43 and token != str(alice_id)
    assert db.execute("SELECT user_id FROM user_session WHERE token_hash = %s AND revoked_at IS NULL",
                      (token_hash(token),)).fetchone() == {"user_id": alice_id}


# --- throttling ---------------------------------------------------------------------------------

def attempt(client, login, password, addr):
    """A log-in attempt from a given client address."""
    return client.post("/auth/login", data={"csrf_token": csrf_token(client), "login": login,
                                            "password": password}, environ_base={"REMOTE_ADDR": addr})


@pytest.fixture
def throttled_app(app_config, db):
    with running_app({**app_config, "LOGIN_MAX_FAILURES": 3, "LOGIN_MAX_FAILURES_PER_CLIENT": 5}) as app:
        yield app


def test_throttle_per_account(throttled_app, db):
    seed_user(db, "alice")
    seed_user(db, "bob")
    client = throttled_app.test_client()
    # From three different addresses, so only the account limit can apply.
    for i in range(3):
        assert attempt(client, "alice", "wrong password", f"10.0.0.{i}").status_code == 400
    blocked = attempt(client, "alice", PASSWORD, "10.0.0.9")
    assert blocked.status_code == 429
    assert 55 <= int(blocked.headers["Retry-After"]) <= 60
    assert "Too many tries. Please wait" in blocked.get_data(as_text=True)
    assert not is_logged_in(client)
    # The same name in another case is the same name.
    assert attempt(client, "ALICE", PASSWORD, "10.0.0.10").status_code == 429
    # Other accounts from the same addresses are unaffected.
    assert attempt(client, "bob", PASSWORD, "10.0.0.9").status_code == 302
    rows = db.execute("SELECT lower(login) AS login, count(*) AS n FROM login_attempt GROUP BY 1").fetchall()
    assert rows == [{"login": "alice", "n": 3}]


def test_a_wait_on_the_email_does_not_tell_the_username(throttled_app, db):
    # Failures by email used to make a log-in by the username a 429, linking the two: the username
    # and the email are counted as separate names now.
    seed_user(db, "alice")
    client = throttled_app.test_client()
    for i in range(3):
        attempt(client, "alice@example.com", "wrong password", f"10.0.0.{i}")
    assert attempt(client, "alice@example.com", PASSWORD, "10.0.0.4").status_code == 429
    assert attempt(client, "alice", "wrong password", "10.0.0.4").status_code == 400


def test_throttle_per_client_address(throttled_app, db):
    seed_user(db, "alice")
    client = throttled_app.test_client()
    # Five different accounts (two of them unknown) from one address: under each account's limit.
    for login in ("u1", "u2", "u3", "u4", "u5"):
        assert attempt(client, login, "wrong password", "192.0.2.7").status_code == 400
    blocked = attempt(client, "alice", PASSWORD, "192.0.2.7")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Too many tries" in blocked.get_data(as_text=True)
    # The same account from another address logs in.
    assert attempt(client, "alice", PASSWORD, "192.0.2.8").status_code == 302


def test_successful_login_resets_the_account_count(throttled_app, db):
    seed_user(db, "alice")
    client = throttled_app.test_client()
    for i in range(2):
        attempt(client, "alice", "wrong password", f"10.0.1.{i}")
    assert attempt(client, "alice", PASSWORD, "10.0.1.5").status_code == 302
    AuthActions(client).logout()
    for i in range(2):
        attempt(client, "alice", "wrong password", f"10.0.1.{i}")
    assert attempt(client, "alice", PASSWORD, "10.0.1.6").status_code == 302


def test_the_owner_logs_in_once_the_wait_is_over(throttled_app, db):
    seed_user(db, "alice")
    client = throttled_app.test_client()
    for i in range(3):
        attempt(client, "alice", "wrong password", f"10.0.2.{i}")
    assert attempt(client, "alice", PASSWORD, "10.0.2.9").status_code == 429
    db.execute("UPDATE login_throttle SET next_attempt_at = now()")
    assert attempt(client, "alice", PASSWORD, "10.0.2.9").status_code == 302
