"""The templates' fast url_for builds exactly what Flask's url_for builds."""

import re
from datetime import UTC, datetime

import pytest
from flask import url_for
from markupsafe import escape

from photoshare.models import Post
from photoshare.web.posts.cards import post_cards, post_tiles
from photoshare.web.urls import UrlBuilder

CASES = [
    ("posts.show", {"post_id": 42}),
    ("posts.like", {"post_id": 7, "next": "/?before=MjAyNS0wMS0wMVQwMDowMDowMCswMDowMHwxMg"}),
    ("posts.unlike", {"post_id": 7, "next": "/u/al.ice?x=1&y=a b"}),
    ("posts.likes", {"post_id": 3}),
    ("profiles.show", {"username": "Al.ice_9"}),
    ("posts.feed", {"before": "abc-_", "extra": None}),
    ("media.serve", {"key": "post/12-20250101T000000000000Z-640.jpg"}),
    ("static", {"filename": "app.css"}),
    ("posts.show", {"post_id": 5, "_anchor": "likes"}),
    ("posts.show", {"post_id": 5, "_external": True}),
]


@pytest.mark.parametrize(("endpoint", "values"), CASES)
def test_same_url_as_flask(app, endpoint, values):
    builder = UrlBuilder(app)
    with app.test_request_context("/"):
        assert builder(endpoint, **values) == url_for(endpoint, **values)


# Values for each kind of route argument, awkward ones included (quoting, dots, a slash in a path).
_ARGUMENT_VALUES = {"int": [7, 9223372036854775807], "path": ["post/12-20250101T000000000000Z-640.jpg", "a b/c%d"],
                    "default": ["al.ice_9", "a b&c/d%e", "é"], "username": ["al.ice_9", "Bob", "a_b.c"]}


def test_every_route_builds_as_flask_builds_it(app):
    """Whatever routes are added later, the fast builder must agree with url_for on each of them."""
    builder = UrlBuilder(app)
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 15
    for rule in rules:
        converters = {name: type(conv).__name__.replace("Converter", "").lower().replace("unicode", "default")
                      .replace("string", "default").replace("integer", "int")
                      for name, conv in rule._converters.items()}
        for index in range(3):
            values = {name: _ARGUMENT_VALUES[kind][index % len(_ARGUMENT_VALUES[kind])]
                      for name, kind in converters.items()}
            for extra in ({}, {"before": "abc-_=", "next": "/?x=1&y=a b"}):
                with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/r&t"}):
                    assert builder(rule.endpoint, **values, **extra) == url_for(rule.endpoint, **values, **extra), rule


def test_same_url_under_a_script_root(app):
    builder = UrlBuilder(app)
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/photos"}):
        assert builder("posts.show", post_id=1) == url_for("posts.show", post_id=1) == "/photos/posts/1"


def test_feed_links_point_where_they_did(logged_in, db):
    user_id = db.execute("SELECT id FROM users WHERE username = 'alice'").fetchone()["id"]
    key = "post/9-20250101T000000000000Z.jpg"
    db.execute("INSERT INTO posts (id, user_id, image, image_width, image_height) VALUES (9, %s, %s, 1280, 960)",
               (user_id, key))
    page = logged_in.get("/").get_data(as_text=True)
    assert 'data-post-id="9"' in page
    assert 'href="/posts/9"' in page and 'href="/u/alice"' in page and 'href="/posts/9/likes"' in page
    assert 'action="/posts/9/like?next=/"' in page
    assert 'data-unlike-url="/posts/9/unlike"' in page
    assert re.search(r'src="/media/post/9-20250101T000000000000Z-640\.jpg\?expires=\d+&amp;sig=[\w-]{22}"', page)


def _card_post(**changes) -> Post:
    values = dict(id=9, user_id=1, author="al.ice", caption="", alt_text="", image="post/9-20250101T000000000000Z.jpg",
                  image_width=1280, image_height=960, like_count=2, created_at=datetime(2025, 1, 1, tzinfo=UTC),
                  updated_at=datetime(2025, 1, 1, tzinfo=UTC), comment_count=0, mentions=None,
                  author_image=None)
    return Post(**(values | changes))


def test_card_links_under_a_script_root_that_needs_escaping(app):
    # The cards escape each link's fixed parts once per page; they must still equal url_for, escaped.
    with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": "/a&b%25c"}):
        html = str(post_cards([_card_post()], "token", "/?x=1&y=2"))
        for endpoint, values in [("posts.show", {"post_id": 9}), ("profiles.show", {"username": "al.ice"}),
                                 ("posts.likes", {"post_id": 9}), ("posts.unlike", {"post_id": 9}),
                                 ("media.serve", {"key": "post/9-20250101T000000000000Z-640.jpg"})]:
            # Media URLs carry their signature after the path url_for builds.
            assert f'"{escape(url_for(endpoint, **values))}' in html, endpoint
        assert f'action="{escape(url_for("posts.like", post_id=9, next="/?x=1&y=2"))}"' in html


def test_card_refuses_a_number_that_is_not_an_int(app):
    # Numbers go into the card unescaped, so anything else must fail loudly instead.
    with app.test_request_context("/"), pytest.raises((TypeError, ValueError)):
        post_cards([_card_post(like_count="<b>2</b>")], "token", "/")


def test_cards_follow_each_requests_script_root_and_keep_few_formats(app):
    # The link formats are kept per script root: each request must still get its own root's links,
    # and a server reached under many roots must not keep a format set for every one of them.
    for n in range(20):
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": f"/root{n}"}):
            html = str(post_tiles([_card_post()]))
            assert f'href="/root{n}/posts/9"' in html and f'src="/root{n}/media/post/' in html
    assert len(app.extensions["card_links"]) <= 8
