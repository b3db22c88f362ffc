"""The post card (feed and post page), built in Python instead of Jinja.

A feed page has twenty cards of about thirty values and nine links each. In Jinja every value
cost an attribute lookup, an escape, a Markup object and a join, and the cards were most of the
feed's CPU (bench/RESULTS.md). Here the card and its optional parts are str.format templates
filled by `_fill()`, which escapes every value: a value reaches the page unescaped only if it
already is Markup, the same guarantee as Jinja's autoescape.
"""

import re
from datetime import UTC, datetime

from flask import current_app, request, url_for
from markupsafe import Markup, escape

from ..media.keys import rendition_key
from ..models import Post
from ..templating import exact_time, media_srcset, relative_time

# The markup hooks (class names, data-* attributes, aria-pressed) are the ones DESIGN.md and
# static/likes.js rely on.
_CARD = """\
<article class="post" data-post-id="{id}" data-author="{author}"
         data-like-count="{like_count}" data-liked="{liked}">
  <header class="post-header">
    <a class="author" href="{author_url}">{author}</a>
    <a class="time" href="{show_url}"><time datetime="{iso_time}" title="{exact_time}">{relative_time}</time></a>
  </header>
  <a class="post-image" href="{show_url}"><img src="{image_url}"
     srcset="{srcset}" sizes="(max-width: 640px) 100vw, 614px"{size}
     alt="{alt}"{loading}></a>
  <footer class="post-footer">
    <form method="post" class="like-form" action="{action_url}"
          data-like-url="{like_url}" data-unlike-url="{unlike_url}">
      {csrf_field}
      <button type="submit" class="like-button" aria-pressed="{liked}" aria-label="Like">
        <span class="heart" aria-hidden="true">{heart}</span>
      </button>
      <a class="like-count" href="{likes_url}"><span class="count">{like_count}</span> {like_word}</a>
    </form>{caption}
  </footer>
</article>
"""
_CAPTION = """
    <p class="caption"><a class="author" href="{author_url}">{author}</a> {caption}</p>"""
# Width and height let the browser reserve the space before the image arrives.
_SIZE = ' width="{width}" height="{height}"'
_CSRF_FIELD = '<input type="hidden" name="csrf_token" value="{token}">'
_LAZY = Markup(' loading="lazy" decoding="async"')
# The characters escape() replaces; most values (ids, usernames, URLs) have none of them.
_HTML_SPECIAL = re.compile("[&<>\"']")


def _escaped(value) -> str:
    """A value as HTML: Markup as it is, anything else escaped."""
    if type(value) is not str:
        if isinstance(value, Markup):
            return value
        value = str(value)
    return escape(value) if _HTML_SPECIAL.search(value) else value


def _fill(template: str, **values) -> Markup:
    """The template with every value escaped: the card's autoescape."""
    return Markup(template.format_map({name: _escaped(value) for name, value in values.items()}))  # noqa: S704 - every value is escaped


def post_cards(posts: list[Post], csrf_token: str, next_url: str) -> Markup:
    """The cards of `posts`; like buttons carry `csrf_token` and send the viewer back to `next_url`.

    The first picture loads eagerly (it is usually above the fold), the rest lazily.
    """
    links = _Links(next_url)
    now = datetime.now(UTC)
    csrf_field = _fill(_CSRF_FIELD, token=csrf_token)
    return Markup("").join([_card(post, links, csrf_field, now, lazy=index > 0) for index, post in enumerate(posts)])


def _card(post: Post, links: "_Links", csrf_field: Markup, now: datetime, lazy: bool) -> Markup:
    post_id, author = post.id, post.author
    show_url = links.url("posts.show", post_id=post_id)
    author_url = links.url("profiles.show", username=author)
    like_url = links.url("posts.like", post_id=post_id)
    unlike_url = links.url("posts.unlike", post_id=post_id)
    image_url, srcset = links.image(post.image, post.image_width)
    return _fill(
        _CARD,
        id=post_id,
        author=author,
        like_count=post.like_count,
        liked="true" if post.liked else "false",
        author_url=author_url,
        show_url=show_url,
        iso_time=post.created_at.isoformat(),
        exact_time=exact_time(post.created_at),
        relative_time=relative_time(post.created_at, now),
        image_url=image_url,
        srcset=srcset,
        size=_fill(_SIZE, width=post.image_width, height=post.image_height) if post.image_width else "",
        alt=post.alt_text or f"Photo by {author}",
        loading=_LAZY if lazy else "",
        # Without JavaScript the button posts this form: unlike when the viewer likes the post.
        action_url=(unlike_url if post.liked else like_url) + links.next_query,
        like_url=like_url,
        unlike_url=unlike_url,
        csrf_field=csrf_field,
        heart="♥" if post.liked else "♡",
        likes_url=links.url("posts.likes", post_id=post_id),
        like_word="like" if post.like_count == 1 else "likes",
        caption=_fill(_CAPTION, author_url=author_url, author=author, caption=post.caption) if post.caption else "",
    )


class _Links:
    """The cards' URLs. What every card shares (the script root, the ?next= query) is worked out
    once per page; each URL is built by the app's fast builder, or by url_for when it cannot."""

    def __init__(self, next_url: str):
        self._builder = current_app.extensions["url_builder"]
        self._root = request.script_root
        self.next_query = self._builder.query_string({"next": next_url})

    def url(self, endpoint: str, **values) -> str:
        return self._builder.build(self._root, endpoint, values) or url_for(endpoint, **values)

    def media(self, key: str) -> str:
        return self.url("media.serve", key=key)

    def image(self, key: str, width: int) -> tuple[str, str]:
        """The src (the 640 rendition when the image is wider) and the srcset of a post image."""
        src = self.media(rendition_key(key, 640) if width > 640 else key)
        return src, media_srcset(key, width, self.media)
