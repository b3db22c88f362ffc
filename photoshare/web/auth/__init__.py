"""Sign-up, log-in and log-out, and the session's user."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask, jsonify, redirect, request
from flask_login import LoginManager, login_url

from photoshare.web.auth import cookies
from photoshare.web.auth.routes import bp
from photoshare.web.auth.session import load_user
from photoshare.web.negotiation import wants_json

login_manager = LoginManager()
login_manager.login_view = "auth.login"
# Off: "basic" and "strong" keep an unsalted hash of the client's address and user agent in the
# cookie, which can be reversed offline to the address, and "strong" logs phones out as their
# address changes. The session is checked on the server (user_session), which can end it.
login_manager.session_protection = None
login_manager.user_loader(load_user)


@login_manager.unauthorized_handler
def _unauthorized():
    # A script (the like button) asks for JSON: a 401 it can act on, not a log-in page.
    if wants_json():
        return jsonify(error="Please log in."), 401
    # No flash: the log-in page is the visitors' landing page, and says itself why a deep link led there.
    return redirect(login_url(login_manager.login_view, next_url=_return_to()))


def _return_to() -> str | None:
    """Where to go after logging in: this page, or for a POST (a like button) the page it was on."""
    rule = request.url_rule
    if request.method in ("GET", "HEAD") or (rule is not None and "GET" in rule.methods):
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None


def init_app(app: Flask) -> None:
    """Install Flask-Login, the session cookie's name rule and the Secure-over-HTTPS cookie rule."""
    login_manager.init_app(app)
    app.session_interface = cookies.SessionCookies()
    # A remembered session's cookie lasts as long as the server lets the session live.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=app.config["REMEMBER_LIFETIME_SECONDS"])
    cookies.init_app(app)


__all__ = ["bp", "init_app", "login_manager"]
