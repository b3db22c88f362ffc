"""Keyset pages: the cursor from the URL, and one extra row to know whether a next page exists."""

from collections.abc import Callable
from typing import NamedTuple

from flask import abort, request

from photoshare.pagination import BadCursor, Cursor


class Page(NamedTuple):
    """One page of rows, and the cursor of the next page (None on the last)."""

    items: list
    next_cursor: str | None


def cursor_arg(name: str = "before") -> Cursor | None:
    """The cursor in ?before= (or `name`), None on the first page; a malformed one is a 400."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return Cursor.decode(raw)
    except BadCursor:
        abort(400)


def keyset_page(fetch: Callable[[Cursor | None, int], list], size: int, arg: str = "before") -> Page:
    """Call fetch(cursor, limit) for one row more than a page: the extra row says a next page exists,
    without a count query."""
    rows = fetch(cursor_arg(arg), size + 1)
    items = rows[:size]
    return Page(items, Cursor.after(items[-1]).encode() if len(rows) > size else None)
