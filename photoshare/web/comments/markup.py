"""The post page's comments, built in Python like the cards (a page lists fifty of them).

Escaping is structural: a `Comment`'s text fields reach the markup only through `html_text()` (the
author, escaped once per page in `comment_items()`, and the time's text) and `rich_text()` (the
body: escaped text, mention and hashtag links); everything else written is an int, a relative time
formatted here, a link format escaped once, or the author's avatar (`Links.avatar`, the cards' own).
"""

from datetime import UTC, datetime

from flask import current_app
from markupsafe import Markup

from photoshare.models import Comment
from photoshare.web.posts.cards import Links, request_links
from photoshare.web.rich_text import html_text, rich_text
from photoshare.web.templating import relative_time
from photoshare.web.urls import quote_segment


def comment_items(comments: list[Comment], viewer_id: int, post_author_id: int, csrf_token: str,
                  next_url: str) -> Markup:
    """The `<li class="comment">` of each comment. The viewer may delete their own comments and, on
    their own post, anyone's; delete buttons carry `csrf_token` and send the viewer back to `next_url`."""
    links, now = request_links(), datetime.now(UTC)
    timestamp = now.timestamp()
    csrf_field = f'<input type="hidden" name="csrf_token" value="{html_text(csrf_token)}">'
    next_query = html_text(current_app.extensions["url_builder"].query_string({"next": next_url}))
    owns_post = viewer_id == post_author_id
    # A page of comments has few authors, each often several times: their escaped name and link once.
    authors: dict[str, tuple[str, str]] = {}
    items = []
    for comment in comments:
        author = authors.get(comment.author)
        if author is None:
            author = authors[comment.author] = (html_text(comment.author),
                                                links.profile % html_text(quote_segment(comment.author)))
        deletable = owns_post or comment.user_id == viewer_id
        avatar = links.avatar(comment.author_image, comment.author, True, timestamp)
        items.append(_comment(comment, author, avatar, links, now, csrf_field, next_query, deletable))
    return Markup("".join(items))  # noqa: S704 - see the module's docstring


def _comment(comment: Comment, author: tuple[str, str], avatar: str, links: Links, now: datetime,
             csrf_field: str, next_query: str, deletable: bool) -> str:
    comment_id = f"{comment.id:d}"  # an int, written three times
    name, author_url = author
    # The query's ISO text gives the datetime attribute and the exact UTC time of the title.
    iso = html_text(comment.created_iso)
    delete = f"""
    <form method="post" class="comment-delete-form" action="{links.delete_comment % comment.id}{next_query}">
      {csrf_field}
      <button type="submit" class="link-button">Delete</button>
    </form>""" if deletable else ""
    # No whitespace inside the text's span: the body keeps its line breaks (white-space: pre-line).
    return f"""\
<li class="comment" id="comment-{comment_id}" data-comment-id="{comment_id}" data-author="{name}">
  <a class="avatar-link" href="{author_url}" tabindex="-1" aria-hidden="true">{avatar}</a>
  <div class="comment-main">
  <p class="comment-body"><a class="author" href="{author_url}">{name}</a> \
<span class="text" dir="auto">{rich_text(comment.body, comment.mentions, links)}</span></p>
  <div class="comment-meta">
    <a class="time" href="#comment-{comment_id}"><time datetime="{iso}" title="{iso[:10]} {iso[11:16]} UTC">\
{relative_time(comment.created_at, now)}</time></a>{delete}
  </div>
  </div>
</li>
"""
