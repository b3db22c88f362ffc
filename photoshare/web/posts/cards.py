"""The post cards (feed and post page) and the profile grid's tiles, built in Python, not Jinja.

A feed page has twenty cards of about thirty values and nine links each, and in Jinja the cards
were most of the feed's CPU (bench/RESULTS.md). Escaping is structural, not a habit:

- `card_view()` is the only place a `Post` is read. It escapes every text field of the post at
  once (`_escaped_post`: the fields are found from the record's annotations, so a text field
  added to `Post` is escaped without anyone remembering to), and builds the links from formats
  whose fixed parts were escaped once per script root (`Links`), filled with ints or escaped
  text.
- The caption is the one text a card shows as more than escaped text: `card_view()` renders it from
  the raw post with `rich_text()`, which escapes each piece and builds its mention and hashtag
  links itself.
- `_card()` and `_tile()` read only that view. Its numbers go in as `:d`, which refuses
  anything but an int.
"""

import time
from datetime import UTC, datetime
from typing import NamedTuple, get_type_hints

from flask import current_app, request
from markupsafe import Markup

from photoshare.media.images import SPECS
from photoshare.media.keys import rendition_key
from photoshare.models import Post
from photoshare.web.media_signing import signer
from photoshare.web.rich_text import HTML_SPECIAL, html_text, rich_text
from photoshare.web.templating import exact_time, letter_avatar_class, relative_time
from photoshare.web.urls import quote_segment

# Stand-ins for a link's argument while its format is made: no route has them after the argument.
_INT_STAND_IN = 918273645546372819
_STR_STAND_IN = "StandInForTheArgument"
# How wide the picture shows: the whole column in the feed, a third of it in a profile's grid.
_CARD_SIZES = "(max-width: 640px) 100vw, 614px"
_TILE_SIZES = "(max-width: 640px) 33vw, 300px"
_RENDITIONS = sorted(SPECS["post"].renditions)  # smallest first: src takes the last that fits
# Where hashtags link: made by hand rather than from a route, so the links do not depend on what serves them.
TAG_PATH = "/tags/"
_AVATAR_WIDTH = SPECS["profile"].renditions[0]  # the 160 px rendition: sharp at 32 px on any screen
# A feed card shows a longer caption clamped to three lines, with "more" (a <details>, no script).
_LONG_CAPTION_CHARS = 125
_LONG_CAPTION_BREAKS = 3
# Where Post's text fields are (str, or str | None): every one is escaped before any markup sees it.
_TEXT_INDEXES = tuple(index for index, (name, kind) in enumerate(get_type_hints(Post).items())
                      if kind in (str, str | None))


def _escaped_post(post: Post) -> Post:
    """The post with every text field HTML-escaped (ints, bools and times as they are)."""
    for index in _TEXT_INDEXES:
        value = post[index]
        if value and HTML_SPECIAL.search(value):
            break
    else:
        return post  # the usual case: no text needs escaping, the post is already its own HTML
    values = list(post)
    for index in _TEXT_INDEXES:
        if values[index]:
            values[index] = html_text(values[index])
    return Post._make(values)


class CardView(NamedTuple):
    """What a card shows of a post: the post with its text escaped, and markup-ready links and times."""

    post: Post  # every text field escaped (_escaped_post)
    author_url: str
    show_url: str
    like_url: str
    unlike_url: str
    action_url: str  # where the like button posts without JavaScript
    likes_url: str
    comments_url: str  # the post page's comments
    caption: str  # the raw caption through rich_text(): escaped text and links
    liked: str  # "true" or "false", for data-liked and aria-pressed
    heart: str
    time_iso: str
    time_exact: str
    time_relative: str
    image: str  # the <img> element
    avatar: str  # the author's picture (<img class="avatar">) or letter (<span class="avatar">)
    long_caption: bool  # clamped to three lines in the feed (long_caption())


def long_caption(caption: str) -> bool:
    """Whether a feed card clamps this (raw) caption to three lines with "more"."""
    return len(caption) > _LONG_CAPTION_CHARS or caption.count("\n") >= _LONG_CAPTION_BREAKS


def _link_format(endpoint: str, **argument) -> str:
    """The endpoint's URL, HTML-escaped, as a printf format: %d or %s where the argument goes."""
    (stand_in,) = argument.values()
    url = current_app.extensions["url_builder"](endpoint, **argument)
    head, found, tail = url.rpartition(str(stand_in))
    if not found:
        raise RuntimeError(f"{endpoint} does not put {stand_in!r} in its path")
    placeholder = "%d" if isinstance(stand_in, int) else "%s"
    return html_text(head).replace("%", "%%") + placeholder + html_text(tail).replace("%", "%%")


class Links:
    """The links of cards, tiles, comments and rich text as printf formats, escaped once per script root."""

    def __init__(self):
        self.signer = signer()
        self.show = _link_format("posts.show", post_id=_INT_STAND_IN)
        self.like = _link_format("posts.like", post_id=_INT_STAND_IN)
        self.unlike = _link_format("posts.unlike", post_id=_INT_STAND_IN)
        self.likes = _link_format("posts.likes", post_id=_INT_STAND_IN)
        self.comments = self.show + "#comments"
        self.delete_comment = _link_format("comments.delete", comment_id=_INT_STAND_IN)
        self.profile = _link_format("profiles.show", username=_STR_STAND_IN)
        self.tag = html_text(request.script_root + TAG_PATH).replace("%", "%%") + "%s"
        self.media = _link_format("media.serve", key=_STR_STAND_IN)
        # An author's avatar is the same markup on every card of theirs: made once, kept (keys never change).
        self._avatars: dict[tuple[str | None, str, bool], str] = {}

    def media_url(self, key: str, signature: str) -> str:
        """The URL of a raw (unescaped) media key, with its image's escaped signature query."""
        return self.media % html_text(quote_segment(key)) + signature

    def avatar(self, image: str | None, username: str, lazy: bool, now: float) -> str:
        """An author's avatar: the 160 px rendition of their picture (`image`, its raw key), or the
        first letter of their name. Decorative (alt=""): it sits beside the name's link, which says
        whose it is."""
        signature = self.signer.html_query(image, now) if image else ""
        # The signature is part of the key: a new URL window makes new markup.
        cache_key = (image, username, lazy, signature)
        markup = self._avatars.get(cache_key)
        if markup is None:
            if len(self._avatars) >= 4096:  # bounded: a busy server sees many authors
                self._avatars.clear()
            markup = self._avatars[cache_key] = self._avatar(image, username, lazy, signature)
        return markup

    def _avatar(self, image: str | None, username: str, lazy: bool, signature: str) -> str:
        if image:
            loading = ' loading="lazy" decoding="async"' if lazy else ""
            src = self.media_url(rendition_key(image, _AVATAR_WIDTH), signature)
            return f'<img class="avatar avatar-32" src="{src}" width="32" height="32" alt=""{loading}>'
        # Usernames are letters, digits, _ and . only: the letter needs no escaping, but gets it anyway.
        letter = html_text(username[:1].upper())
        return (f'<span class="avatar avatar-letter avatar-32 {letter_avatar_class(username)}" '
                f'aria-hidden="true">{letter}</span>')

    def image(self, raw: Post, post: Post, sizes: str, lazy: bool, now: float) -> str:
        """The post's <img>: the largest rendition narrower than the image (else the image itself),
        and a srcset of the renditions and the image to pick from, all signed (one signature for
        all sizes). `raw` gives the key its URLs are made of, `post` the escaped text."""
        key, width = raw.image, post.image_width
        signature = self.signer.html_query(key, now)
        renditions = [(self.media_url(rendition_key(key, w), signature), w) for w in _RENDITIONS if w < width]
        full = self.media_url(key, signature)
        src = renditions[-1][0] if renditions else full
        srcset = ", ".join([f"{url} {w}w" for url, w in renditions] + [f"{full} {width:d}w"])
        # Width and height let the browser reserve the space before the image arrives.
        size = f' width="{width:d}" height="{post.image_height:d}"' if width else ""
        alt = post.alt_text or f"Photo by {post.author}"
        loading = ' loading="lazy" decoding="async"' if lazy else ""
        return f"""<img src="{src}"
     srcset="{srcset}" sizes="{sizes}"{size}
     alt="{alt}"{loading}>"""


def request_links() -> Links:
    """The request's link formats, built once per app and script root (making them costs about as
    much as two cards)."""
    cache = current_app.extensions.setdefault("card_links", {})
    root = request.script_root
    if root not in cache:
        if len(cache) >= 8:  # a server with many script roots still keeps only a few
            cache.clear()
        cache[root] = Links()
    return cache[root]


def card_view(raw: Post, links: Links, now: datetime, next_query: str, lazy: bool,
              sizes: str = _CARD_SIZES) -> CardView:
    """The one place a card reads a post: everything it returns is escaped text, links or ints."""
    post = _escaped_post(raw)
    post_id = post.id
    like_url, unlike_url = links.like % post_id, links.unlike % post_id
    liked, heart = ("true", "&#9829;") if post.liked else ("false", "&#9825;")
    created_at, timestamp = post.created_at, now.timestamp()
    # Positional, in the order of CardView's fields: a keyword call costs a card 2 µs.
    return CardView._make((
        post,
        links.profile % html_text(quote_segment(raw.author)),  # author_url
        links.show % post_id,  # show_url
        like_url,
        unlike_url,
        # Without JavaScript the button posts this form: unlike when the viewer likes the post.
        (unlike_url if post.liked else like_url) + next_query,  # action_url
        links.likes % post_id,  # likes_url
        links.comments % post_id,  # comments_url
        rich_text(raw.caption, raw.mentions, links),  # caption
        # Hearts as character references: an ASCII page is built and encoded as 1-byte strings.
        liked,
        heart,
        created_at.isoformat(),  # time_iso
        exact_time(created_at),  # time_exact
        relative_time(created_at, now),  # time_relative
        links.image(raw, post, sizes, lazy, timestamp),  # image
        links.avatar(raw.author_image, raw.author, lazy, timestamp),  # avatar
        long_caption(raw.caption),  # measured on the text, not on its escaped markup
    ))


def post_cards(posts: list[Post], csrf_token: str, next_url: str, full_captions: bool = False) -> Markup:
    """The cards of `posts`; like buttons carry `csrf_token` and send the viewer back to `next_url`.

    The first picture loads eagerly (it is usually above the fold), the rest lazily. A long caption
    is clamped with "more" unless `full_captions` (the post page).
    """
    links, now = request_links(), datetime.now(UTC)
    csrf_field = f'<input type="hidden" name="csrf_token" value="{html_text(csrf_token)}">'
    next_query = html_text(current_app.extensions["url_builder"].query_string({"next": next_url}))
    return Markup("".join([_card(card_view(post, links, now, next_query, lazy=index > 0), csrf_field,  # noqa: S704 - see the module's docstring
                                 full_captions) for index, post in enumerate(posts)]))


def post_tiles(posts: list[Post]) -> Markup:
    """The profile grid: each post's picture, linking to the post."""
    links, now = request_links(), time.time()
    return Markup("".join([_tile(_escaped_post(post), post, links, now) for post in posts]))  # noqa: S704 - see the module's docstring


def _caption(v: CardView, full: bool) -> str:
    """The caption (with its links, `v.caption`) after the author's name. dir="auto" on the paragraph
    takes the direction from the caption's text (an Arabic caption reads right to left), not from the
    name, which has its own dir. The length that decides the clamp is the text's, not its markup's."""
    post = v.post
    if not post.caption:
        return ""
    long = not full and v.long_caption
    paragraph = (f'\n    <p class="caption{" clamped" if long else ""}" dir="auto"><a class="author" dir="ltr" '
                 f'href="{v.author_url}">{post.author}</a> <span class="caption-text">{v.caption}</span></p>')
    if not long:
        return paragraph
    # CSS clamps the paragraph to three lines until the <details> is open (app.css, .caption-more).
    return (paragraph + '\n    <details class="caption-more"><summary><span class="more-label">more</span>'
            '<span class="less-label">less</span></summary></details>')


def _card(v: CardView, csrf_field: str, full_caption: bool = False) -> str:
    post = v.post
    like_count, comment_count = post.like_count, post.comment_count
    caption = _caption(v, full_caption)
    # The markup hooks (class names, data-* attributes, aria-pressed) are the ones the README's
    # "Markup hooks" and static/likes.js rely on.
    return f"""\
<article class="post" data-post-id="{post.id:d}" data-author="{post.author}"
         data-like-count="{like_count:d}" data-liked="{v.liked}" data-comment-count="{comment_count:d}"
         id="post-{post.id:d}">
  <header class="post-header">
    <a class="avatar-link" href="{v.author_url}" tabindex="-1" aria-hidden="true">{v.avatar}</a>
    <a class="author" href="{v.author_url}">{post.author}</a>
    <a class="time" href="{v.show_url}"><time datetime="{v.time_iso}" \
title="{v.time_exact}">{v.time_relative}</time></a>
  </header>
  <a class="post-image" href="{v.show_url}">{v.image}</a>
  <footer class="post-footer">
    <form method="post" class="like-form" action="{v.action_url}"
          data-like-url="{v.like_url}" data-unlike-url="{v.unlike_url}">
      {csrf_field}
      <button type="submit" class="like-button" aria-pressed="{v.liked}" aria-label="Like">
        <span class="heart" aria-hidden="true">{v.heart}</span>
      </button>
      <a class="like-count" href="{v.likes_url}"><span class="count">{like_count:d}</span> \
{"like" if like_count == 1 else "likes"}</a>
      <a class="comment-count" href="{v.comments_url}"><span class="count">{comment_count:d}</span> \
{"comment" if comment_count == 1 else "comments"}</a>
    </form>{caption}
  </footer>
</article>
"""


def _tile(post: Post, raw: Post, links: Links, now: float) -> str:
    # `post` is escaped; `raw` only gives the image key its URL is made of.
    return f"""\
  <article class="post grid-item" data-post-id="{post.id:d}" data-author="{post.author}"
           data-like-count="{post.like_count:d}" data-liked="{"true" if post.liked else "false"}" \
id="post-{post.id:d}">
    <a href="{links.show % post.id}">{links.image(raw, post, _TILE_SIZES, True, now)}</a>
  </article>
"""
