"""The mails an account gets: a password-reset link, an email-verification link, notices that the
address or the password changed.

Services know no routes: the web layer passes the absolute URLs (`MailLinks`), built from
PUBLIC_URL or the request's own host.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import NamedTuple

from photoshare.mail.outbox import Outbox


class MailLinks(NamedTuple):
    """Where the mails link to."""

    reset: Callable[[str], str]   # token -> /auth/reset/<token>
    verify: Callable[[str], str]  # token -> /auth/verify/<token>
    forgot: str                   # /auth/forgot, to ask for a new reset link
    settings: str                 # /settings/account


class AccountMail:
    """Composes the account's mails and puts them in the outbox."""

    def __init__(self, outbox: Outbox, sender: str, links: MailLinks):
        self.outbox, self.sender, self.links = outbox, sender, links

    def _send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(datetime.now(UTC))
        # The sender's domain: make_msgid() would otherwise look up this host's name, which can stall.
        message["Message-ID"] = make_msgid(domain=parseaddr(self.sender)[1].rpartition("@")[2] or "localhost")
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to these
        message.set_content(body)
        self.outbox.send_later(message)

    def password_reset(self, to: str, username: str, token: str, lifetime_minutes: int) -> None:
        """The link that sets a new password."""
        self._send(to, "Reset your photoshare password", f"""\
Hello {username},

someone asked to reset the password of your photoshare account. To choose a new one, open:

{self.links.reset(token)}

The link works once, within {lifetime_minutes} minutes. Using it logs out every other browser signed in to
your account. If you did not ask for this, ignore this mail: your password stays as it is.
""")

    def verification(self, to: str, username: str, token: str, lifetime_days: int) -> None:
        """The link that proves this address reaches the account holder."""
        self._send(to, "Confirm your email address for photoshare", f"""\
Hello {username},

please confirm that this is your email address by opening:

{self.links.verify(token)}

The link works for {lifetime_days} days. A confirmed address is the one a password-reset link can be sent
to if you ever forget your password. If you did not sign up for photoshare, ignore this mail.
""")

    def address_changed(self, old_address: str, new_address: str, username: str) -> None:
        """A notice to the previous address, in case the change was not the account holder's."""
        self._send(old_address, "Your photoshare email address was changed", f"""\
Hello {username},

the email address of your photoshare account was changed from this address to {mask(new_address)}.

If that was you, there is nothing to do. If it was not, log in, change it back in your account
settings and change your password:

{self.links.settings}
""")


    def password_changed(self, to: str, username: str) -> None:
        """A notice that the password changed, in case it was not the account holder's doing."""
        self._send(to, "Your photoshare password was changed", f"""\
Hello {username},

the password of your photoshare account was just changed, and every other browser logged in to it
was logged out.

If that was you, there is nothing to do. If it was not, choose a new password now with:

{self.links.forgot}
""")


def mask(address: str) -> str:
    """j***@example.com: enough for the owner to recognise, not a gift to whoever reads the old mailbox."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
