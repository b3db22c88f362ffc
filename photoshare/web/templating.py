"""Template helpers: relative times, image URLs with renditions."""

import functools
import zlib
from datetime import UTC, datetime

from flask import Flask, current_app
from markupsafe import Markup

from photoshare.media.keys import rendition_key
from photoshare.web.media_signing import signed_media_url
from photoshare.web.urls import UrlBuilder


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """'now', '5 min', '3 h', '2 d', '4 w', or a date for anything older than a year."""
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    if seconds < 7 * 86400:
        return f"{seconds // 86400} d"
    if seconds < 365 * 86400:
        return f"{seconds // (7 * 86400)} w"
    return moment.strftime("%-d %b %Y")


def exact_time(moment: datetime) -> str:
    """The full UTC time, for title attributes."""
    utc = moment.astimezone(UTC)
    # Formatted by hand: strftime took twice as long, and a feed page formats twenty of these.
    return f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d} {utc.hour:02d}:{utc.minute:02d} UTC"


LETTER_AVATAR_COLOURS = 6


@functools.lru_cache(maxsize=4096)
def letter_avatar_class(username: str) -> str:
    """The colour class of a letter avatar: the same for a name on every page, different between most names."""
    return f"avatar-c{zlib.crc32(username.lower().encode()) % LETTER_AVATAR_COLOURS}"


def media_url(key: str, width: int | None = None) -> str:
    """The signed URL of an image, or of its rendition of the given width."""
    url = current_app.extensions["url_builder"]("media.serve", key=rendition_key(key, width) if width else key)
    return signed_media_url(url, key)


@functools.cache
def icon(name: str) -> Markup:
    """An inline SVG icon from _icons.html, rendered once per process: six macro calls
    cost every page about 25 µs."""
    return current_app.jinja_env.get_template("_icons.html").module.icon(name)


def init_app(app: Flask) -> None:
    """Register the helpers as filters and globals."""
    builder = app.extensions["url_builder"] = UrlBuilder(app)
    # Templates call url_for dozens of times per page: the builder is the fast equivalent.
    app.jinja_env.globals["url_for"] = builder
    app.jinja_env.filters["reltime"] = relative_time
    app.jinja_env.filters["exacttime"] = exact_time
    app.jinja_env.globals["media_url"] = media_url
    app.jinja_env.globals["icon"] = icon
    app.jinja_env.globals["letter_avatar_class"] = letter_avatar_class
