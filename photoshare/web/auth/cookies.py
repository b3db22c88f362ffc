"""Cookies sent over HTTPS are marked Secure, whatever SESSION_COOKIE_SECURE says, and the session
cookie is named `__Host-session` there."""

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

# Browsers accept a cookie of this name only from HTTPS, Secure, for the path / and without a
# Domain: no subdomain or plain-HTTP page can plant or overwrite it.
HOST_SESSION_COOKIE = "__Host-session"


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, named with the __Host- prefix on an HTTPS request.

    Over plain HTTP (a local run) the prefix would make browsers drop the cookie, so it keeps
    SESSION_COOKIE_NAME there.
    """

    def get_cookie_name(self, app: Flask) -> str:
        return HOST_SESSION_COOKIE if request.is_secure else app.config["SESSION_COOKIE_NAME"]

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or bool(app.config["SESSION_COOKIE_SECURE"])

    def get_cookie_domain(self, app: Flask) -> str | None:
        return None if request.is_secure else super().get_cookie_domain(app)

    def get_cookie_path(self, app: Flask) -> str:
        return "/" if request.is_secure else super().get_cookie_path(app)


def _with_secure(header: str) -> str:
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    return header if "secure" in flags else f"{header}; Secure"


class SecureCookiesOverHttps:
    """WSGI middleware: on an HTTPS request every Set-Cookie gets the Secure flag.

    It works on the final headers because Flask writes the session cookie, and Flask-Login
    the remember cookie, after the app's own after_request hooks have run. Put ProxyFix
    outside it so that a TLS-terminating proxy's X-Forwarded-Proto counts.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def start(status, headers, exc_info=None):
            headers = [(name, _with_secure(value) if name.lower() == "set-cookie" else value)
                       for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app: Flask) -> None:
    """Wrap the app so cookies set over HTTPS are Secure."""
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
