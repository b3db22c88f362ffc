"""Cookies sent over HTTPS are marked Secure, whatever SESSION_COOKIE_SECURE says."""

from flask import Flask


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
