"""Signed media URLs: /media/<key>?expires=<unix time>&sig=<HMAC>, valid until `expires`.

Why not public, cacheable-forever URLs: a deleted photo would stay in browser and CDN caches for as
long as they like, and anyone holding a key could fetch a photo whose post they may not see (private
accounts). A signed URL is handed out only with a page that shows the photo, works until its expiry
and no longer, and is cached no longer than that.

The expiry is rounded up to a window (MEDIA_URL_WINDOW_SECONDS, an hour by default) and lies one to
two windows ahead: every page within a window links a photo by the same URL, so browsers reuse
what they have, and a URL is valid for between one and two windows. The signature covers the image's
main key and the expiry; its renditions share it, so a card signs once for all its sizes, and
signatures are kept per process for the window (a dict lookup on the next page).
"""

import base64
import hashlib
import hmac
import time

from flask import Flask, current_app

from photoshare.media.keys import main_key

# Kept per process and window: the photos of the pages served in the last hour (at 60 bytes each).
_CACHE_LIMIT = 100_000
# Another process's clock may run this far ahead: its URLs' expiry is still believed.
_CLOCK_SKEW_SECONDS = 300


class MediaSigner:
    """Signs and checks media URLs with a key derived from SECRET_KEY."""

    def __init__(self, secret_key: str, window_seconds: int):
        # A key of its own: a media signature can never stand for a session or a CSRF token.
        self._key = hmac.new(secret_key.encode(), b"photoshare media URLs", hashlib.sha256).digest()
        self.window = window_seconds
        self._signed: tuple[int, dict[str, tuple[str, str]]] = (0, {})

    def expiry(self, now: float) -> int:
        """The expiry of URLs handed out at `now`: the end of the next window."""
        return (int(now) // self.window + 2) * self.window

    def _signature(self, main: str, expires: int) -> str:
        mac = hmac.digest(self._key, f"{main}\n{expires}".encode(), "sha256")[:16]
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()

    def _queries(self, main: str, now: float) -> tuple[str, str]:
        expires = self.expiry(now)
        window_expires, signed = self._signed
        if window_expires != expires:
            # A new window: every signature changes. Swapped whole, so a thread still on the old
            # window fills the old dict, never the new one.
            signed = {}
            self._signed = (expires, signed)
        queries = signed.get(main)
        if queries is None:
            sig = self._signature(main, expires)
            queries = (f"?expires={expires}&sig={sig}", f"?expires={expires}&amp;sig={sig}")
            if len(signed) < _CACHE_LIMIT:
                signed[main] = queries
        return queries

    def query(self, main: str, now: float) -> str:
        """'?expires=…&sig=…' for an image's main key, good for its renditions too."""
        return self._queries(main, now)[0]

    def html_query(self, main: str, now: float) -> str:
        """The same, HTML-escaped, for an attribute ('&amp;'; the other characters need none)."""
        return self._queries(main, now)[1]

    def seconds_left(self, key: str, expires: str | None, sig: str | None, now: float) -> int | None:
        """How long a URL of `key` with these parameters stays valid; None when it is not valid
        (missing, malformed, forged, expired, or expiring further ahead than any URL handed out)."""
        if not expires or not sig or not expires.isdigit() or len(expires) > 12:
            return None
        expires_at = int(expires)
        if not now < expires_at <= self.expiry(now + _CLOCK_SKEW_SECONDS):
            return None
        if not hmac.compare_digest(sig, self._signature(main_key(key), expires_at)):
            return None
        return expires_at - int(now)


def signer() -> MediaSigner:
    """The app's media URL signer."""
    return current_app.extensions["media_signer"]


def signed_media_url(url: str, main: str, now: float | None = None) -> str:
    """A /media/ URL (of `main` or one of its renditions) with its signature appended."""
    return url + signer().query(main, time.time() if now is None else now)


def init_app(app: Flask) -> None:
    """Make the app's signer from SECRET_KEY and MEDIA_URL_WINDOW_SECONDS."""
    app.extensions["media_signer"] = MediaSigner(app.config["SECRET_KEY"], app.config["MEDIA_URL_WINDOW_SECONDS"])
