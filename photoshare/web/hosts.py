"""The Host header check (TRUSTED_HOSTS): a request for any other host is a 400 before the app runs.

A forged Host would otherwise reach everything that trusts it: links built from the request's host
(mail, absolute URLs), the referrer check of the log-in redirect, caches keyed by host. Werkzeug's own
check (Flask's TRUSTED_HOSTS setting) compares names case-sensitively and cannot match an IPv6
literal such as [::1], so the app checks the header itself, as the outermost WSGI layer.
"""

import re
from collections.abc import Iterable

# A Host header: a name or IPv4 address, or an IPv6 literal in brackets; then an optional port.
_HOST = re.compile(r"(?P<name>[a-z0-9.-]+|\[[a-f0-9:.]+\])(?::(?P<port>[0-9]{1,5}))?", re.ASCII | re.IGNORECASE)

_REFUSAL = b"Unknown host.\n"


def host_name(header: str) -> str | None:
    """The host name of a Host header (lower case, port dropped), or None when it is malformed."""
    match = _HOST.fullmatch(header)
    if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
        return None
    return match["name"].lower()


def is_trusted(header: str, trusted: Iterable[str]) -> bool:
    """Whether a Host header names one of the trusted hosts (".example.com" also admits its subdomains)."""
    name = host_name(header)
    if name is None:
        return False
    for ref in trusted:
        if name == ref or (ref.startswith(".") and (name.endswith(ref) or name == ref[1:])):
            return True
    return False


class TrustedHostMiddleware:
    """WSGI middleware: answer 400 to a request whose Host is not trusted, before anything else runs."""

    def __init__(self, wsgi_app, trusted: Iterable[str]):
        self.wsgi_app = wsgi_app
        self.trusted = tuple(trusted)

    def __call__(self, environ, start_response):
        # HTTP/1.0 may send no Host: then the address the server was reached on stands for it.
        header = environ["HTTP_HOST"] if "HTTP_HOST" in environ else environ.get("SERVER_NAME", "")
        if is_trusted(header, self.trusted):
            return self.wsgi_app(environ, start_response)
        start_response("400 Bad Request", [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(_REFUSAL))),
            ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
        return [_REFUSAL]
