"""/notifications: newest first, likes of one post on one day as one entry; opening it marks what it shows read."""

from flask import Blueprint, make_response, render_template, request
from flask_login import current_user, login_required

from photoshare.data.db import get_conn
from photoshare.repositories import NotificationRepository
from photoshare.web.paging import keyset_page

bp = Blueprint("notifications", __name__)

PAGE_SIZE = 20


def _prefetch() -> bool:
    """A browser fetching the page ahead of a click (link prefetch, speculation rules): nobody sees it yet."""
    purpose = " ".join(request.headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Moz")).lower()
    return "prefetch" in purpose or "prerender" in purpose


@bp.get("/notifications")
@login_required
def index():
    """A page of notifications, marked read by the statement that reads them (a HEAD or a prefetch marks nothing)."""
    mark = PAGE_SIZE if request.method == "GET" and not _prefetch() else 0
    notifications = NotificationRepository(get_conn())
    # The extra row that tells a next page exists is not shown, so it is not marked.
    page = keyset_page(lambda before, limit: notifications.page(current_user.id, before, limit, mark_read=mark),
                       PAGE_SIZE)
    # The badge was read with the session's user, before this page marked its entries.
    marked = page.items[0].marked if page.items else 0
    unread_left = max(0, current_user.unread_notifications - marked)
    response = make_response(render_template("notifications/index.html", entries=page.items,
                                             next_cursor=page.next_cursor, unread_left=unread_left))
    # What it shows changes with every visit (and marking read is this GET's effect): never from a cache.
    response.headers["Cache-Control"] = "no-store"
    return response
