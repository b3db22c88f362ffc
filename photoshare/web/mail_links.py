"""The account mails as the web layer sends them: absolute links from PUBLIC_URL, or the request's own host."""

from flask import current_app, request, url_for

from photoshare.mail.factory import get_outbox
from photoshare.services.account_mail import AccountMail, MailLinks


def _absolute(endpoint: str, **values) -> str:
    path = url_for(endpoint, **values)
    public = current_app.config.get("PUBLIC_URL")
    if public:
        # PUBLIC_URL is where the app's root is reached: the path without this request's script root.
        return public.rstrip("/") + path[len(request.script_root):]
    return request.host_url.rstrip("/") + path


def account_mail() -> AccountMail:
    """The account's mails, with links for this site."""
    return AccountMail(get_outbox(), current_app.config["MAIL_FROM"], MailLinks(
        reset=lambda token: _absolute("auth.reset_password", token=token),
        verify=lambda token: _absolute("auth.verify_email", token=token),
        forgot=_absolute("auth.forgot_password"),
        settings=_absolute("profiles.account"),
    ))
