"""Transports: hand a message to an SMTP server, or print it (when no MAIL_SERVER is set)."""

import smtplib
import ssl
import sys
import threading
from email.message import EmailMessage
from typing import Protocol, TextIO


class Transport(Protocol):
    """Delivers one message; raises OSError or smtplib.SMTPException when it cannot."""

    def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    """SMTP with STARTTLS and log-in when configured (MAIL_USE_TLS, MAIL_USERNAME), one connection per message."""

    def __init__(self, host: str, port: int = 25, username: str | None = None, password: str | None = None,
                 use_tls: bool = False, timeout: float = 10.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.username, self.password, self.use_tls = username, password, use_tls

    def send(self, message: EmailMessage) -> None:
        """Connect, upgrade to TLS if asked, log in if asked, send, quit."""
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.use_tls:
                # The system's trusted CAs and host name checking: a password never crosses an unverified link.
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class ConsoleTransport:
    """Prints each whole message, links included, as Django's console backend does: for runs with no mail server."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        """Write the message between two rules, in one piece."""
        stream = self.stream or sys.stdout
        rule = "-" * 72
        with self._lock:
            stream.write(f"{rule}\n{message.as_string()}\n{rule}\n")
            stream.flush()
