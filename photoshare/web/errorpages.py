"""The app's own error pages: never a traceback."""

import psycopg
from flask import Flask, g, render_template, request
from psycopg_pool import PoolTimeout
from werkzeug.exceptions import HTTPException

from photoshare.errors import StorageUnavailable
from photoshare.web.negotiation import wants_json

_MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "You can't do that."),
    404: ("Not found", "There is nothing here."),
    405: ("Not allowed", "That method is not allowed here."),
    413: ("File too large", "That file is too large."),
    503: ("Unavailable", "photoshare is briefly unavailable. Please try again in a moment."),
}


def render_error(code: int, message: str | None = None):
    """An error page (or JSON for JSON clients) with the given status."""
    title, default = _MESSAGES.get(code, ("Error", "Something went wrong."))
    text = message or default
    if wants_json():
        return {"error": text}, code
    return render_template("error.html", code=code, title=title, message=text), code


def discard_body(limit: int) -> None:
    """Read what is left of a refused body (up to twice the limit; a proxy refuses more).

    The 413 is decided from Content-Length, before the body is read. gunicorn then closes the
    connection with the body unread, and a close with unread data is a reset, which can reach the
    proxy (or the browser) before the 413 does: nginx answered 502 to one such upload in eight.
    """
    stream = request.environ.get("wsgi.input")
    remaining = min(request.content_length or 0, 2 * limit)
    while stream is not None and remaining > 0:
        chunk = stream.read(min(remaining, 256 * 1024))
        if not chunk:
            break
        remaining -= len(chunk)


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors and outages (CSRF failures: web/forms.py)."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = None
        if exc.code == 413:
            discard_body(app.config["MAX_CONTENT_LENGTH"])
            message = f"That file is too large. The limit is {app.config['MAX_UPLOAD_MB']} MB."
        return render_error(exc.code or 500, message)

    @app.errorhandler(psycopg.DataError)
    def unstorable_value(exc):
        # A value PostgreSQL refuses (a NUL byte, a number out of range) is bad input, not an outage.
        app.logger.warning("value refused by the database: %s", exc)
        return render_error(400, "The request contains a value that cannot be stored.")

    @app.errorhandler(psycopg.OperationalError)
    @app.errorhandler(PoolTimeout)
    def database_down(exc):
        app.logger.warning("database unavailable: %s", exc)
        # The page must render without the database: the session's user is not loaded from it.
        g.database_down = True
        return render_error(503)

    @app.errorhandler(StorageUnavailable)
    def storage_down(exc):
        app.logger.warning("media store unavailable: %s", exc)
        return render_error(503, "Image storage is briefly unavailable. Nothing was saved; please try again.")

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception("unhandled error")
        return render_error(500)
