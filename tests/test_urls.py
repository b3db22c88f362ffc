"""The templates' fast url_for builds exactly what Flask's url_for builds."""

import pytest
from flask import url_for

from photoshare.urls import UrlBuilder

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
    assert 'src="/media/post/9-20250101T000000000000Z-640.jpg"' in page
