"""The recovery services without HTTP: tokens kept as hashes, used once even by two requests at once,
capped per hour, pruned after expiry; reset only to a verified address."""

import threading

import psycopg
import pytest

from photoshare.mail.outbox import Outbox
from photoshare.mail.transports import SmtpTransport
from photoshare.repositories import UserRepository
from photoshare.services.account_mail import AccountMail, MailLinks
from photoshare.services.account_tokens import token_hash
from photoshare.services.accounts import change_password
from photoshare.services.email_verification import send_verification, verify_email
from photoshare.services.password_reset import request_password_reset, reset_link_owner, reset_password
from photoshare.services.passwords import verify_password
from photoshare.services.sessions import SessionPolicy
from photoshare.services.sessions import start as start_session
from tests.support.actions import seed_user

LINKS = MailLinks(reset=lambda t: f"http://x/auth/reset/{t}", verify=lambda t: f"http://x/auth/verify/{t}",
                  forgot="http://x/auth/forgot", settings="http://x/settings/account")


@pytest.fixture
def mail(smtp_server, mailbox):
    outbox = Outbox(SmtpTransport(smtp_server.host, smtp_server.port, timeout=5))
    yield AccountMail(outbox, "photoshare <noreply@localhost>", LINKS)
    outbox.close()


@pytest.fixture
def alice(db):
    uid = seed_user(db, "alice")
    db.execute("UPDATE users SET email_verified_at = now() WHERE id = %s", (uid,))
    return uid


def mailed_token(mail, mailbox, address="alice@example.com", count=1) -> str:
    mail.outbox.close()
    return mailbox.wait_for(address, count=count)[-1].links[0].rsplit("/", 1)[1]


def test_reset_link_is_used_once_even_by_two_requests_at_once(conn, database_url, alice, mail, mailbox):
    request_password_reset(conn, mail, "alice@example.com")
    token = mailed_token(mail, mailbox)
    results, barrier = [], threading.Barrier(2)

    def use(password: str) -> None:
        with psycopg.connect(database_url, autocommit=True) as own:
            barrier.wait()
            results.append(reset_password(own, token, password))

    threads = [threading.Thread(target=use, args=(p,)) for p in ("first new password", "second new password")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    winners = [r for r in results if r is not None]
    assert len(results) == 2 and len(winners) == 1
    user = UserRepository(conn).get(alice)
    assert verify_password(user, "first new password") != verify_password(user, "second new password")


def test_only_a_hash_is_stored(conn, db, alice, mail, mailbox):
    request_password_reset(conn, mail, "alice@example.com")
    token = mailed_token(mail, mailbox)
    row = db.execute("SELECT token_hash, email, expires_at - created_at AS lifetime FROM account_token").fetchone()
    assert bytes(row["token_hash"]) == token_hash(token) and row["email"] == "alice@example.com"
    assert row["lifetime"].total_seconds() == 3600
    assert reset_link_owner(conn, token).id == alice
    assert reset_link_owner(conn, token[:-1] + ("A" if token[-1] != "A" else "B")) is None


def test_no_reset_for_an_unverified_or_unknown_address(conn, db, mail, mailbox):
    seed_user(db, "bob")
    for address in ("bob@example.com", "nobody@example.com"):
        request_password_reset(conn, mail, address)
    mail.outbox.close()
    assert db.execute("SELECT count(*) AS n FROM account_token").fetchone()["n"] == 0
    assert mailbox.messages == []


def test_expired_tokens_are_pruned_a_day_later(conn, db, alice, mail, mailbox):
    request_password_reset(conn, mail, "alice@example.com")
    db.execute("UPDATE account_token SET created_at = now() - interval '26 hours', "
               "expires_at = now() - interval '25 hours'")
    send_verification(conn, mail, UserRepository(conn).get(alice))  # any new token prunes
    assert [r["purpose"] for r in db.execute("SELECT purpose FROM account_token")] == ["email_verification"]


def test_verification_is_capped_at_five_an_hour(conn, db, alice, mail, mailbox):
    user = UserRepository(conn).get(alice)
    assert [send_verification(conn, mail, user) for _ in range(6)] == [True] * 5 + [False]
    mail.outbox.close()
    assert len(mailbox.wait_for("alice@example.com", count=5)) == 5


def test_verification_verifies_only_the_address_it_was_sent_to(conn, db, alice, mail, mailbox):
    db.execute("UPDATE users SET email_verified_at = NULL")
    send_verification(conn, mail, UserRepository(conn).get(alice))
    token = mailed_token(mail, mailbox)
    db.execute("UPDATE users SET email = 'alice@wonder.land'")
    assert verify_email(conn, token) is None
    assert db.execute("SELECT email_verified_at FROM users").fetchone()["email_verified_at"] is None


def test_the_database_keeps_tokens_well_formed(db, alice):
    for values in (("reset", b"x" * 32), ("password_reset", b"short")):
        with pytest.raises(psycopg.errors.CheckViolation):
            db.execute("INSERT INTO account_token (user_id, purpose, token_hash, email, expires_at) "
                       "VALUES (%s, %s, %s, 'a@example.com', now() + interval '1 hour')", (alice, *values))


def test_a_password_change_ends_the_other_sessions_and_tells_the_owner(conn, db, alice, mail, mailbox):
    kept, other = (start_session_row(conn, alice) for _ in range(2))
    changed = change_password(conn, mail, alice, "a new long passphrase", keep_session_id=kept)
    assert verify_password(changed, "a new long passphrase")
    live = {r["id"] for r in db.execute("SELECT id FROM user_session WHERE revoked_at IS NULL")}
    assert live == {kept} and other not in live
    [message] = mailbox.wait_for("alice@example.com")
    assert message.message["Subject"] == "Your photoshare password was changed"
    assert "http://x/auth/forgot" in message.message.get_content()


def start_session_row(conn, user_id) -> int:
    policy = SessionPolicy(3600, 3600, 7200, 7200)
    return start_session(conn, user_id, False, "Firefox/1 Linux", "192.0.2.1", policy)[1]
