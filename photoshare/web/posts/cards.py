"""The post cards (feed and post page) and the profile grid's tiles, built in Python, not Jinja.

A feed page has twenty cards of about thirty values and nine links each, and in Jinja the cards
were most of the feed's CPU (bench/RESULTS.md). Here the links are worked out once per script
root (`_Links`): each becomes a printf format whose fixed parts are already HTML-escaped, so a
card only drops in a post id or a key. A card or a tile is one f-string, and every value in it is
an int (`:d` and `%d` refuse anything else), a fixed string, an escaped link part, or a str passed
through `_escaped()`: nothing reaches the page unescaped, the guarantee Jinja's autoescape gave.
"""

import re
from datetime import UTC, datetime

from flask import current_app, request
from markupsafe import Markup, escape

from photoshare.media.images import SPECS
from photoshare.media.keys import rendition_key
from photoshare.models import Post
from photoshare.web.templating import exact_time, relative_time
from photoshare.web.urls import quote_segment

# The characters escape() replaces; most values (usernames, keys, URLs) have none of them.
_HTML_SPECIAL = re.compile("[&<>\"']")
# Stand-ins for a link's argument while its format is made: no route has them after the argument.
_INT_STAND_IN = 918273645546372819
_STR_STAND_IN = "StandInForTheArgument"
# How wide the picture shows: the whole column in the feed, a third of it in a profile's grid.
_CARD_SIZES = "(max-width: 640px) 100vw, 614px"
_TILE_SIZES = "(max-width: 640px) 33vw, 300px"
_RENDITIONS = sorted(SPECS["post"].renditions)  # smallest first: src takes the last that fits


def _escaped(value: str) -> str:
    """A str as HTML."""
    return str(escape(value)) if _HTML_SPECIAL.search(value) else value


def _link_format(endpoint: str, **argument) -> str:
    """The endpoint's URL, HTML-escaped, as a printf format: %d or %s where the argument goes."""
    (stand_in,) = argument.values()
    url = current_app.extensions["url_builder"](endpoint, **argument)
    head, found, tail = url.rpartition(str(stand_in))
    if not found:
        raise RuntimeError(f"{endpoint} does not put {stand_in!r} in its path")
    placeholder = "%d" if isinstance(stand_in, int) else "%s"
    return _escaped(head).replace("%", "%%") + placeholder + _escaped(tail).replace("%", "%%")


def post_cards(posts: list[Post], csrf_token: str, next_url: str) -> Markup:
    """The cards of `posts`; like buttons carry `csrf_token` and send the viewer back to `next_url`.

    The first picture loads eagerly (it is usually above the fold), the rest lazily.
    """
    links, now = _links(), datetime.now(UTC)
    csrf_field = f'<input type="hidden" name="csrf_token" value="{_escaped(csrf_token)}">'
    next_query = _escaped(current_app.extensions["url_builder"].query_string({"next": next_url}))
    return Markup("".join([_card(post, links, now, csrf_field, next_query, lazy=index > 0)  # noqa: S704 - see the module's docstring
                           for index, post in enumerate(posts)]))


def post_tiles(posts: list[Post]) -> Markup:
    """The profile grid: each post's picture, linking to the post."""
    links = _links()
    return Markup("".join([_tile(post, links) for post in posts]))  # noqa: S704 - see the module's docstring


class _Links:
    """The links of cards and tiles as printf formats, escaped once per script root."""

    def __init__(self):
        self.show = _link_format("posts.show", post_id=_INT_STAND_IN)
        self.like = _link_format("posts.like", post_id=_INT_STAND_IN)
        self.unlike = _link_format("posts.unlike", post_id=_INT_STAND_IN)
        self.likes = _link_format("posts.likes", post_id=_INT_STAND_IN)
        self.profile = _link_format("profiles.show", username=_STR_STAND_IN)
        self.media = _link_format("media.serve", key=_STR_STAND_IN)

    def media_url(self, key: str) -> str:
        return self.media % _escaped(quote_segment(key))

    def image(self, post: Post, author: str, sizes: str, lazy: bool) -> str:
        """The post's <img>: the largest rendition narrower than the image (else the image itself),
        and a srcset of the renditions and the image to pick from."""
        key, width = post.image, post.image_width
        renditions = [(self.media_url(rendition_key(key, w)), w) for w in _RENDITIONS if w < width]
        full = self.media_url(key)
        src = renditions[-1][0] if renditions else full
        srcset = ", ".join([f"{url} {w}w" for url, w in renditions] + [f"{full} {width:d}w"])
        # Width and height let the browser reserve the space before the image arrives.
        size = f' width="{width:d}" height="{post.image_height:d}"' if width else ""
        alt = _escaped(post.alt_text) if post.alt_text else f"Photo by {author}"
        loading = ' loading="lazy" decoding="async"' if lazy else ""
        return f"""<img src="{src}"
     srcset="{srcset}" sizes="{sizes}"{size}
     alt="{alt}"{loading}>"""


def _links() -> _Links:
    # Built once per app and script root: making the formats costs about as much as two cards.
    cache = current_app.extensions.setdefault("card_links", {})
    root = request.script_root
    if root not in cache:
        if len(cache) >= 8:  # a server with many script roots still keeps only a few
            cache.clear()
        cache[root] = _Links()
    return cache[root]


def _card(post: Post, links: _Links, now: datetime, csrf_field: str, next_query: str, lazy: bool) -> str:
    post_id, liked, like_count = post.id, post.liked, post.like_count
    author = _escaped(post.author)
    author_url = links.profile % _escaped(quote_segment(post.author))
    show_url = links.show % post_id
    like_url, unlike_url = links.like % post_id, links.unlike % post_id
    # Without JavaScript the button posts this form: unlike when the viewer likes the post.
    action_url = (unlike_url if liked else like_url) + next_query
    # Hearts as character references: an ASCII page is built and encoded as 1-byte strings.
    liked_text, heart = ("true", "&#9829;") if liked else ("false", "&#9825;")
    caption = (f'\n    <p class="caption"><a class="author" href="{author_url}">{author}</a> '
               f'{_escaped(post.caption)}</p>') if post.caption else ""
    created_at = post.created_at
    # The markup hooks (class names, data-* attributes, aria-pressed) are the ones DESIGN.md
    # and static/likes.js rely on.
    return f"""\
<article class="post" data-post-id="{post_id:d}" data-author="{author}"
         data-like-count="{like_count:d}" data-liked="{liked_text}">
  <header class="post-header">
    <a class="author" href="{author_url}">{author}</a>
    <a class="time" href="{show_url}"><time datetime="{created_at.isoformat()}" \
title="{exact_time(created_at)}">{relative_time(created_at, now)}</time></a>
  </header>
  <a class="post-image" href="{show_url}">{links.image(post, author, _CARD_SIZES, lazy)}</a>
  <footer class="post-footer">
    <form method="post" class="like-form" action="{action_url}"
          data-like-url="{like_url}" data-unlike-url="{unlike_url}">
      {csrf_field}
      <button type="submit" class="like-button" aria-pressed="{liked_text}" aria-label="Like">
        <span class="heart" aria-hidden="true">{heart}</span>
      </button>
      <a class="like-count" href="{links.likes % post_id}"><span class="count">{like_count:d}</span> \
{"like" if like_count == 1 else "likes"}</a>
    </form>{caption}
  </footer>
</article>
"""


def _tile(post: Post, links: _Links) -> str:
    author = _escaped(post.author)
    return f"""\
  <article class="post grid-item" data-post-id="{post.id:d}" data-author="{author}"
           data-like-count="{post.like_count:d}" data-liked="{"true" if post.liked else "false"}">
    <a href="{links.show % post.id}">{links.image(post, author, _TILE_SIZES, lazy=True)}</a>
  </article>
"""
