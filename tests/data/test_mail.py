"""The mail layer without HTTP: the SMTP transport against real servers (plain, and STARTTLS with log-in),
the console transport, and the outbox that sends in the background."""

import io
import logging
import smtplib
import socket
import ssl
from email.message import EmailMessage

import pytest

from photoshare.mail.factory import create_transport
from photoshare.mail.outbox import Outbox
from photoshare.mail.transports import ConsoleTransport, SmtpTransport
from photoshare.services.account_mail import AccountMail, MailLinks, mask
from tests.support.smtp_server import SMTP_PASSWORD, SMTP_USER


def message(to: str = "alice@example.com", subject: str = "Hello") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "photoshare <noreply@localhost>", to, subject
    msg.set_content("Open https://photos.example.org/auth/verify/abc to confirm.\n")
    return msg


LINKS = MailLinks(reset=lambda t: f"https://photos.example.org/auth/reset/{t}",
                  verify=lambda t: f"https://photos.example.org/auth/verify/{t}",
                  forgot="https://photos.example.org/auth/forgot", settings="https://photos.example.org/settings/account")


def test_smtp_transport_delivers(smtp_server, mailbox):
    SmtpTransport(smtp_server.host, smtp_server.port, timeout=5).send(message())
    [received] = mailbox.wait_for("alice@example.com")
    assert received.mail_from == "noreply@localhost"
    assert received.links == ["https://photos.example.org/auth/verify/abc"]


def test_smtp_transport_uses_starttls_and_logs_in(tls_smtp_server):
    transport = create_transport({**tls_smtp_server.settings, "MAIL_USE_TLS": True, "MAIL_USERNAME": SMTP_USER,
                                  "MAIL_PASSWORD": SMTP_PASSWORD})
    transport.send(message())
    [received] = tls_smtp_server.mailbox.wait_for("alice@example.com")
    assert received.authenticated_as == SMTP_USER


def test_without_tls_the_tls_server_refuses(tls_smtp_server):
    transport = SmtpTransport(tls_smtp_server.host, tls_smtp_server.port, username=SMTP_USER,
                              password=SMTP_PASSWORD, timeout=5)
    with pytest.raises(smtplib.SMTPException):
        transport.send(message())
    assert tls_smtp_server.mailbox.to("alice@example.com") == []


def test_a_wrong_password_is_refused(tls_smtp_server):
    transport = SmtpTransport(tls_smtp_server.host, tls_smtp_server.port, username=SMTP_USER,
                              password="wrong", use_tls=True, timeout=5)
    with pytest.raises(smtplib.SMTPAuthenticationError):
        transport.send(message())


def test_starttls_checks_the_certificate(tls_smtp_server, monkeypatch):
    # Without the test CA trusted, the server's self-signed certificate is refused: no silent downgrade.
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")
    transport = SmtpTransport(tls_smtp_server.host, tls_smtp_server.port, use_tls=True, timeout=5)
    with pytest.raises(ssl.SSLCertVerificationError):
        transport.send(message())


def test_no_mail_server_prints_the_whole_message_with_its_links():
    assert isinstance(create_transport({"MAIL_SERVER": None}), ConsoleTransport)
    out = io.StringIO()
    ConsoleTransport(out).send(message())
    text = out.getvalue()
    assert "Subject: Hello" in text and "https://photos.example.org/auth/verify/abc" in text
    assert text.startswith("-" * 72)


def test_the_outbox_delivers_what_it_holds_before_it_closes(smtp_server, mailbox):
    outbox = Outbox(SmtpTransport(smtp_server.host, smtp_server.port, timeout=5))
    futures = [outbox.send_later(message(subject=f"n{i}")) for i in range(3)]
    outbox.close()
    assert all(f.done() and f.result() for f in futures)
    assert sorted(m.message["Subject"] for m in mailbox.to("alice@example.com")) == ["n0", "n1", "n2"]


def test_an_unreachable_server_is_logged_not_raised(caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    outbox = Outbox(SmtpTransport("127.0.0.1", port, timeout=2))
    with caplog.at_level(logging.WARNING, logger="photoshare.mail.outbox"):
        future = outbox.send_later(message())
        outbox.close()
    assert future.result() is False
    assert "was not sent" in caplog.text and "alice@example.com" in caplog.text


def test_account_mails_carry_their_links_and_headers(smtp_server, mailbox):
    outbox = Outbox(SmtpTransport(smtp_server.host, smtp_server.port, timeout=5))
    mail = AccountMail(outbox, "photoshare <noreply@photos.example.org>", LINKS)
    mail.password_reset("alice@example.com", "alice", "TOKEN1", 60)
    mail.verification("alice@example.com", "alice", "TOKEN2", 3)
    mail.address_changed("alice@example.com", "alice@wonder.land", "alice")
    outbox.close()
    reset, verify, changed = mailbox.wait_for("alice@example.com", count=3)
    assert reset.links == ["https://photos.example.org/auth/reset/TOKEN1"] and "within 60 minutes" in reset.body
    assert verify.links == ["https://photos.example.org/auth/verify/TOKEN2"] and "for 3 days" in verify.body
    assert "a***@wonder.land" in changed.body and "https://photos.example.org/settings/account" in changed.body
    for received in (reset, verify, changed):
        assert received.message["Message-ID"].endswith("@photos.example.org>")
        assert received.message["Auto-Submitted"] == "auto-generated"
        assert received.message["Date"]


def test_mask():
    assert mask("alice@wonder.land") == "a***@wonder.land"
