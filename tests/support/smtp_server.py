"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, keeping every message it accepts.

Registered from conftest.py as a pytest plugin. Fixtures:
- `smtp_server` (session): the running server; every test app sends its mail there.
- `mailbox`: that server's messages, emptied at the start of the test.
- `tls_smtp_server`: a second server that requires STARTTLS (a self-signed certificate the
  test trusts through SSL_CERT_FILE) and a log-in, for the SMTP transport's TLS path.
"""

import re
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

WAIT_SECONDS = 15.0
LINK_RE = re.compile(r"https?://[^\s<>\"]+")
SMTP_USER, SMTP_PASSWORD = "photoshare", "smtp-test-password"


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    authenticated_as: str | None = None

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def links(self) -> list[str]:
        return LINK_RE.findall(self.body)


@dataclass
class Mailbox:
    """What the server received; filled by aiosmtpd's thread, read by the tests."""

    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        auth = session.auth_data
        login = auth.login.decode() if session.authenticated and isinstance(auth, LoginPassword) else None
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message, login))
        return "250 Message accepted"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str, subject: str | None = None) -> list[Received]:
        """The messages received so far for this address (with this subject)."""
        with self.lock:
            return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)
                    and (subject is None or m.message["Subject"] == subject)]

    def wait_for(self, address: str, count: int = 1, subject: str | None = None,
                 timeout: float = WAIT_SECONDS) -> list[Received]:
        """Wait until `count` messages for the address have arrived (the app sends in the background)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.to(address, subject)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{count} message(s) to {address} expected within {timeout} s, got {self.to(address)}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox
    controller: Controller

    @property
    def settings(self) -> dict:
        """The app settings that send through this server."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 5.0}


def _start(mailbox: Mailbox, **smtp_kwargs) -> SmtpServer:
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, server_hostname="localhost", **smtp_kwargs)
    controller.start()
    return SmtpServer("127.0.0.1", port, mailbox, controller)


@pytest.fixture(scope="session")
def smtp_server():
    server = _start(Mailbox())
    yield server
    server.controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server.mailbox.clear()
    return smtp_server.mailbox


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(), SMTP_PASSWORD.encode())
    # handled=False: aiosmtpd answers a refusal with 535 itself.
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.fixture
def tls_smtp_server(tmp_path, monkeypatch):
    """A server that takes mail only over STARTTLS and after a log-in; its certificate is trusted
    through SSL_CERT_FILE, as a private CA would be in production."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = _start(Mailbox(), tls_context=context, require_starttls=True, authenticator=_authenticate,
                    auth_require_tls=True)
    yield server
    server.controller.stop()
