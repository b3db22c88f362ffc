"""The app's outbox: SMTP when MAIL_SERVER is set, else the console; made once and attached to the app."""

from flask import Flask, current_app

from photoshare.mail.outbox import Outbox
from photoshare.mail.transports import ConsoleTransport, SmtpTransport, Transport


def create_transport(config: dict) -> Transport:
    """The transport the settings name."""
    if not config.get("MAIL_SERVER"):
        return ConsoleTransport()
    return SmtpTransport(config["MAIL_SERVER"], config["MAIL_PORT"], username=config.get("MAIL_USERNAME"),
                         password=config.get("MAIL_PASSWORD"), use_tls=config.get("MAIL_USE_TLS", False),
                         timeout=config.get("MAIL_TIMEOUT", 10.0))


def init_app(app: Flask, outbox: Outbox) -> None:
    """Attach the outbox to the app."""
    app.extensions["outbox"] = outbox


def get_outbox() -> Outbox:
    """The app's outbox."""
    return current_app.extensions["outbox"]
