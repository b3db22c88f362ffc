"""The post page's comments, built in Python like the cards (a page lists fifty of them).

Escaping is structural: `_comment()` reads a `Comment`'s two text fields only through
`html_text()` (the author) and `rich_text()` (the body: escaped text, mention and hashtag links);
everything else it writes is an int, a time it formats, or a link format escaped once.
"""

from datetime import UTC, datetime

from flask import current_app
from markupsafe import Markup

from photoshare.models import Comment
from photoshare.web.posts.cards import Links, request_links
from photoshare.web.rich_text import html_text, rich_text
from photoshare.web.templating import exact_time, relative_time
from photoshare.web.urls import quote_segment


def comment_items(comments: list[Comment], viewer_id: int, post_author_id: int, csrf_token: str,
                  next_url: str) -> Markup:
    """The `<li class="comment">` of each comment. The viewer may delete their own comments and, on
    their own post, anyone's; delete buttons carry `csrf_token` and send the viewer back to `next_url`."""
    links, now = request_links(), datetime.now(UTC)
    csrf_field = f'<input type="hidden" name="csrf_token" value="{html_text(csrf_token)}">'
    next_query = html_text(current_app.extensions["url_builder"].query_string({"next": next_url}))
    owns_post = viewer_id == post_author_id
    return Markup("".join([  # noqa: S704 - see the module's docstring
        _comment(comment, links, now, csrf_field if owns_post or comment.user_id == viewer_id else "", next_query)
        for comment in comments]))


def _comment(comment: Comment, links: Links, now: datetime, csrf_field: str, next_query: str) -> str:
    # An empty csrf_field means the viewer may not delete this comment: no button.
    comment_id, author, created_at = comment.id, html_text(comment.author), comment.created_at
    delete = f"""
    <form method="post" class="comment-delete-form" action="{links.delete_comment % comment_id}{next_query}">
      {csrf_field}
      <button type="submit" class="link-button">Delete</button>
    </form>""" if csrf_field else ""
    # No whitespace inside the text's span: the body keeps its line breaks (white-space: pre-line).
    return f"""\
<li class="comment" id="comment-{comment_id:d}" data-comment-id="{comment_id:d}" data-author="{author}">
  <p class="comment-body"><a class="author" href="{links.profile % html_text(quote_segment(comment.author))}">\
{author}</a> <span class="text" dir="auto">{rich_text(comment.body, comment.mentions, links)}</span></p>
  <div class="comment-meta">
    <a class="time" href="#comment-{comment_id:d}"><time datetime="{created_at.isoformat()}" \
title="{exact_time(created_at)}">{relative_time(created_at, now)}</time></a>{delete}
  </div>
</li>
"""
