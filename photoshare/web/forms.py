"""What every form page shares: sending a form back after a CSRF failure, with its text, instead of losing it.

A form's CSRF token belongs to the session it was rendered in. When that session changed while the
form was open (a log-in in another tab, a browser restored with its tabs), the token no longer
matches and the POST is refused. A view marked `@form_view` is then run again on the same request:
its FlaskForm fails the same check, so nothing is saved and the view renders its form with the text
that was sent, a fresh token, and the message of `form_note()` (templates/_macros.html) asking to
send it again.
"""

import unicodedata
from collections.abc import Callable

from flask import Flask, request
from flask_wtf.csrf import CSRFError
from wtforms.validators import Length

from photoshare.web.errorpages import render_error
from photoshare.web.negotiation import wants_json

# Control characters, line and paragraph separators: what a one-line text must not hold.
_BREAKS = {"Cc", "Zl", "Zp"}
CSRF_MESSAGE = "The form expired or was not sent from this site. Please try again."


class TextLimit(Length):
    """A length rule the server states and enforces, without minlength/maxlength in the page: a browser
    cuts pasted text at maxlength without a word (a password cut in one field and not in its
    confirmation read "the passwords do not match"), where the server's message says the limit."""

    def __init__(self, min: int = -1, max: int = -1, message: str | None = None):  # noqa: A002 - Length's names
        super().__init__(min=min, max=max, message=message)
        self.field_flags = {}


def clean_text(text: str | None) -> str:
    """Text as stored: no NUL (PostgreSQL text refuses it), \\n line ends, no outer blanks."""
    # A filter, so the length limit counts what is stored: browsers send a textarea's
    # line breaks as \r\n, which would otherwise count twice.
    return (text or "").replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def one_line(text: str | None) -> str:
    """Text for a one-line field (a display name): line breaks and control characters become blanks, and
    blanks collapse to one space. Joiners and other format characters stay (emoji sequences need them)."""
    spaced = "".join(" " if unicodedata.category(c) in _BREAKS else c for c in (text or ""))
    return " ".join(spaced.split())


def form_view(view: Callable) -> Callable:
    """Mark a view that validates a FlaskForm (CSRF included) before it changes anything."""
    view.rerenders_on_csrf_error = True
    return view


def no_store(response):
    """A page that must not be kept by the browser (it holds a password or a one-time link's form)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Answer a CSRF failure on a form page with the form again; elsewhere with the error page."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        view = app.view_functions.get(request.endpoint or "")
        if not getattr(view, "rerenders_on_csrf_error", False) or wants_json():
            return render_error(400, CSRF_MESSAGE)
        response = app.make_response(app.ensure_sync(view)(**(request.view_args or {})))
        if response.status_code == 200:
            response.status_code = 400
        return response
