"""/tags/<tag> and /search."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required

from photoshare.data.db import get_conn
from photoshare.repositories import HashtagRepository
from photoshare.services.search import QUERY_MAX, search
from photoshare.tokens import is_tag, tag_key
from photoshare.web.paging import keyset_page

bp = Blueprint("discovery", __name__)


@bp.get("/tags/<tag>")
@login_required
def tag(tag: str):
    """The posts carrying a tag, newest first, keyset-paginated with ?before=; 404 for a tag no post
    has ever carried."""
    # Anything the tokenizer would not call a tag (NUL included) names no tag: no query for it.
    if not is_tag(tag):
        abort(404)
    tags = HashtagRepository(get_conn())
    found = tags.get(tag_key(tag))
    if found is None:
        abort(404)
    page = keyset_page(lambda before, limit: tags.posts(found.id, current_user.id, before, limit=limit),
                       current_app.config["FEED_PAGE_SIZE"])
    return render_template("discovery/tag.html", tag=found, posts=page.items, next_cursor=page.next_cursor)


@bp.get("/search")
@login_required
def search_page():
    """Accounts and tags matching ?q=: names starting with it first, then similar names."""
    query = request.args.get("q", "")
    results = search(get_conn(), query)
    return render_template("discovery/search.html", query=query, results=results, query_max=QUERY_MAX)
