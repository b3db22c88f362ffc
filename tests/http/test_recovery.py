"""Email verification and password reset, through the real forms and a real SMTP server (aiosmtpd)."""

import asyncio
import hashlib
import threading
from urllib.parse import urlsplit

import pytest

from tests.support.actions import (
    PASSWORD,
    AuthActions,
    counting_statements,
    csrf_token,
    running_app,
    seed_user,
)
from tests.support.smtp_server import Mailbox, _start

NEW_PASSWORD = "a brand new passphrase"


def path_of(link: str) -> str:
    return urlsplit(link).path


def only_link(received) -> str:
    [link] = received.links
    return link


def verify_address(client, mailbox: Mailbox, address: str) -> None:
    """Open the newest verification link mailed to the address."""
    message = mailbox.wait_for(address)[-1]
    assert client.get(path_of(only_link(message))).status_code == 200


def forgot(client, email: str):
    return client.post("/auth/forgot", data={"csrf_token": csrf_token(client, "/auth/forgot"), "email": email})


def reset(client, link: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    path = path_of(link)
    # The token from another page of the session: a used link's page has no form to take it from.
    return client.post(path, data={"csrf_token": csrf_token(client, "/auth/forgot"), "password": password,
                                   "confirm": password if confirm is None else confirm})


def verified(db, username: str = "alice") -> bool:
    return db.execute("SELECT email_verified_at IS NOT NULL AS v FROM users WHERE username = %s",
                      (username,)).fetchone()["v"]


@pytest.fixture
def alice_verified(app, db, mailbox):
    """alice, signed up through the form (client logged in) with her address verified."""
    client = app.test_client()
    assert AuthActions(client).register("alice").status_code == 302
    verify_address(client, mailbox, "alice@example.com")
    mailbox.clear()
    return client


# --- verification --------------------------------------------------------------------------------

def test_sign_up_mails_a_link_that_verifies_the_address(auth, db, mailbox):
    assert auth.register("alice").status_code == 302
    assert not verified(db)
    [message] = mailbox.wait_for("alice@example.com")
    assert message.message["Subject"] == "Confirm your email address for photoshare"
    assert message.message["From"] == "photoshare <noreply@localhost>"
    link = only_link(message)
    assert link.startswith("http://localhost/auth/verify/")
    page = auth.client.get(path_of(link))
    assert page.status_code == 200 and "alice@example.com</strong> is confirmed" in page.get_data(as_text=True)
    assert verified(db)
    # What the database holds is the token's SHA-256, never the token itself.
    token = link.rsplit("/", 1)[1]
    row = db.execute("SELECT token_hash, used_at, email, purpose FROM account_token").fetchone()
    assert bytes(row["token_hash"]) == hashlib.sha256(token.encode()).digest()
    assert row["used_at"] is not None and row["purpose"] == "email_verification"
    assert not db.execute("SELECT 1 FROM account_token WHERE position(%s in encode(token_hash, 'escape')) > 0 "
                          "OR email = %s", (token, token)).fetchall()


def test_a_verification_link_works_once(auth, db, mailbox):
    auth.register("alice")
    link = only_link(mailbox.wait_for("alice@example.com")[0])
    assert auth.client.get(path_of(link)).status_code == 200
    again = auth.client.get(path_of(link))
    assert again.status_code == 400
    page = again.get_data(as_text=True)
    assert "This link does not work" in page and 'href="/settings/account"' in page


@pytest.mark.parametrize("token", ["not-a-token", "x" * 300, "%E2%80%AE"])
def test_unknown_links_are_400_with_a_way_to_ask_again(client, token):
    for path, again in ((f"/auth/verify/{token}", "/settings/account"), (f"/auth/reset/{token}", "/auth/forgot")):
        response = client.get(path)
        assert response.status_code == 400, path
        assert f'href="{again}"' in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"


def test_verification_can_be_sent_again_and_stops_once_verified(auth, db, mailbox):
    auth.register("alice")
    mailbox.wait_for("alice@example.com")
    token = csrf_token(auth.client, "/settings/account")
    response = auth.client.post("/settings/verify-email", data={"csrf_token": token}, follow_redirects=True)
    assert "We sent a link to alice@example.com" in response.get_data(as_text=True)
    second = mailbox.wait_for("alice@example.com", count=2)[1]
    # Either link works; the newest is as good as the first.
    assert auth.client.get(path_of(only_link(second))).status_code == 200
    response = auth.client.post("/settings/verify-email", data={"csrf_token": token}, follow_redirects=True)
    assert "alice@example.com is already confirmed." in response.get_data(as_text=True)
    assert 'data-verified="true"' in auth.client.get("/settings/account").get_data(as_text=True)


def test_sign_up_does_not_wait_for_the_mail_server(app_config, db):
    """The SMTP server holds the message until released: sign-up has answered long before."""
    release = threading.Event()

    class Holding(Mailbox):
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            await asyncio.get_running_loop().run_in_executor(None, release.wait, 60)
            return await super().handle_DATA(server, session, envelope)

    slow = _start(Holding())
    try:
        with running_app({**app_config, **slow.settings, "MAIL_TIMEOUT": 120.0}) as app:
            client = app.test_client()
            answered = []
            worker = threading.Thread(target=lambda: answered.append(AuthActions(client).register("alice")))
            worker.start()
            worker.join(timeout=45)  # far less than the 60 s the server holds the message
            assert answered and answered[0].status_code == 302, "sign-up waited for the mail server"
            assert slow.mailbox.to("alice@example.com") == []
            release.set()
            assert slow.mailbox.wait_for("alice@example.com")
    finally:
        release.set()
        slow.controller.stop()


def test_mail_links_use_public_url(app_config, db, mailbox):
    with running_app({**app_config, "PUBLIC_URL": "https://photos.example.org/"}) as app:
        AuthActions(app.test_client()).register("alice")
        link = only_link(mailbox.wait_for("alice@example.com")[0])
    assert link.startswith("https://photos.example.org/auth/verify/")


# --- forgotten password ----------------------------------------------------------------------------

def test_reset_sets_the_password_and_ends_every_other_session(app, alice_verified, db, mailbox):
    # Another browser with "remember me": its session must end, and a copy of its cookie too.
    other = app.test_client()
    assert AuthActions(other).login(remember=True).status_code == 302
    remember = other.get_cookie("session")

    helper = app.test_client()
    assert forgot(helper, "ALICE@example.com").status_code == 200
    [message] = mailbox.wait_for("alice@example.com")
    assert message.message["Subject"] == "Reset your photoshare password"
    link = only_link(message)
    form = helper.get(path_of(link))
    assert form.status_code == 200 and "For the account <strong>alice</strong>" in form.get_data(as_text=True)
    assert form.headers["Cache-Control"] == "no-store"
    response = reset(helper, link)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert helper.get("/").status_code == 200  # this browser is logged in with the new password

    for client in (alice_verified, other):
        assert client.get("/").status_code == 302, "an old session survived the reset"
    cookie_only = app.test_client()
    cookie_only.set_cookie("session", remember.value)
    assert cookie_only.get("/").status_code == 302, "an old remember-me cookie survived the reset"

    assert AuthActions(app.test_client()).login(password=PASSWORD).status_code == 400
    assert AuthActions(app.test_client()).login(password=NEW_PASSWORD).status_code == 302

    # Once used, the link is dead, for the form and for a second try.
    again = reset(app.test_client(), link, "yet another passphrase")
    assert again.status_code == 400
    assert 'href="/auth/forgot"' in again.get_data(as_text=True)
    assert AuthActions(app.test_client()).login(password=NEW_PASSWORD).status_code == 302


def test_using_one_reset_link_voids_the_others(client, alice_verified, mailbox):
    forgot(client, "alice@example.com")
    forgot(client, "alice@example.com")
    first, second = (only_link(m) for m in mailbox.wait_for("alice@example.com", count=2))
    assert reset(client, second).status_code == 302
    assert client.get(path_of(first)).status_code == 400


def test_an_expired_reset_link_is_400(client, alice_verified, db, mailbox):
    forgot(client, "alice@example.com")
    link = only_link(mailbox.wait_for("alice@example.com")[0])
    db.execute("UPDATE account_token SET created_at = now() - interval '61 minutes', "
               "expires_at = now() - interval '1 minute' WHERE purpose = 'password_reset'")
    response = client.get(path_of(link))
    assert response.status_code == 400
    assert "more than an hour old" in response.get_data(as_text=True)
    assert reset(client, link).status_code == 400


def test_a_bad_new_password_keeps_the_link_usable(client, alice_verified, mailbox):
    forgot(client, "alice@example.com")
    link = only_link(mailbox.wait_for("alice@example.com")[0])
    response = reset(client, link, "short")
    assert response.status_code == 400 and "Use 12 to 128 characters." in response.get_data(as_text=True)
    assert "The passwords do not match." in reset(client, link, NEW_PASSWORD, "something else").get_data(as_text=True)
    assert reset(client, link).status_code == 302


def test_the_new_password_must_not_be_the_username(app, db, mailbox):
    seed_user(db, "longname1")
    db.execute("UPDATE users SET email_verified_at = now() WHERE username = 'longname1'")
    client = app.test_client()
    forgot(client, "longname1@example.com")
    link = only_link(mailbox.wait_for("longname1@example.com")[0])
    response = reset(client, link, "LongName1")
    assert response.status_code == 400
    assert "The password must not be your username." in response.get_data(as_text=True)


@pytest.mark.parametrize("address", ["alice@example.com", "nobody@example.com", "bob@example.com"])
def test_forgot_answers_the_same_whoever_the_address_belongs_to(app, alice_verified, db, mailbox, monkeypatch,
                                                                  address):
    """A verified account (alice), no account, an unverified one (bob): the same page, the same statements."""
    seed_user(db, "bob")
    client = app.test_client()
    token = csrf_token(client, "/auth/forgot")
    with counting_statements(monkeypatch) as statements:
        response = client.post("/auth/forgot", data={"csrf_token": token, "email": address})
    assert response.status_code == 200
    page = response.get_data(as_text=True).replace(address, "ADDRESS")
    with counting_statements(monkeypatch) as reference:
        baseline = client.post("/auth/forgot", data={"csrf_token": token, "email": "someone@example.net"})
    assert page == baseline.get_data(as_text=True).replace("someone@example.net", "ADDRESS")
    assert len(statements) == len(reference)
    if address == "alice@example.com":
        assert mailbox.wait_for(address)
    else:
        assert db.execute("SELECT count(*) AS n FROM account_token WHERE purpose = 'password_reset'"
                          ).fetchone()["n"] == 0


def test_reset_mail_is_capped_at_five_an_hour(client, alice_verified, db, mailbox):
    for _ in range(7):
        assert forgot(client, "alice@example.com").status_code == 200
    mailbox.wait_for("alice@example.com", count=5)
    assert db.execute("SELECT count(*) AS n FROM account_token WHERE purpose = 'password_reset'").fetchone()["n"] == 5


def test_reset_clears_the_failed_log_ins(app, alice_verified, client, mailbox):
    for _ in range(5):
        AuthActions(app.test_client()).login(password="wrong password")
    assert AuthActions(app.test_client()).login().status_code == 429
    forgot(client, "alice@example.com")
    assert reset(client, only_link(mailbox.wait_for("alice@example.com")[0])).status_code == 302
    assert AuthActions(app.test_client()).login(password=NEW_PASSWORD).status_code == 302


def test_the_landing_page_links_to_forgot(client):
    assert 'href="/auth/forgot"' in client.get("/auth/login").get_data(as_text=True)


def test_a_logged_in_user_can_reset_too(logged_in, db, mailbox):
    db.execute("UPDATE users SET email_verified_at = now()")
    forgot(logged_in, "alice@example.com")
    [message] = mailbox.wait_for("alice@example.com", subject="Reset your photoshare password")
    assert reset(logged_in, only_link(message)).status_code == 302
