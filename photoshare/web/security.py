"""Response headers every page gets, and the local-path check for ?next=."""

from urllib.parse import urlsplit

from flask import Flask, request

CSP = ("default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# Nothing on photoshare uses these browser features; a script injected despite the CSP gets none.
PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                      "microphone=(), payment=(), usb=()")
# Browsers keep to HTTPS for a year after seeing this over HTTPS (they ignore it over HTTP).
HSTS = "max-age=31536000"
# Pages carry the viewer's data and CSRF tokens: no browser or proxy keeps a copy. Media and static
# files set their own policy before this applies.
NO_STORE = "no-store"
# A 503 is an outage or a busy moment: clients may try again this soon.
RETRY_AFTER_SECONDS = 5


def is_local_path(target: str | None) -> bool:
    """True only for a path on this site: no scheme, no host, no backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cache-Control", NO_STORE)
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if response.status_code == 503:
        headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return response


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
    app.after_request(_set_headers)
