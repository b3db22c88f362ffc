"""GET /media/<key> from either backend: type, caching, validators, 404s; and the markup that uses it."""

import re

import pytest

from photoshare.media.keys import rendition_key
from tests.support import images as f
from tests.support.actions import (
    app_config,  # noqa: F401 - the fixture: every test here runs on both backends
    post_images,
    stored_bytes,
    upload_post,
    upload_profile_picture,
)

IMG_SRC_RE = re.compile(r'<img[^>]*\ssrc="(/media/[^"]+)"')


@pytest.fixture
def posted_key(logged_in, db) -> str:
    response = upload_post(logged_in, f.jpeg((1200, 800)), caption="sunset")
    assert response.status_code == 302, response.get_data(as_text=True)
    return post_images(db)[0]


def test_serves_the_stored_object_with_type_and_caching(app, client, logged_in, posted_key):
    response = client.get(f"/media/{posted_key}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.get_data() == stored_bytes(app, posted_key)
    assert response.headers["Content-Length"] == str(len(response.get_data()))
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]


def test_serving_needs_no_login(app, logged_in, posted_key):
    anonymous = app.test_client()
    assert anonymous.get(f"/media/{posted_key}").status_code == 200


def test_revalidation_answers_304(client, logged_in, posted_key):
    first = client.get(f"/media/{posted_key}")
    by_etag = client.get(f"/media/{posted_key}", headers={"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.get_data() == b""
    by_date = client.get(f"/media/{posted_key}", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    changed = client.get(f"/media/{posted_key}", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_renditions_are_served(app, client, logged_in, posted_key):
    small = rendition_key(posted_key, 640)
    response = client.get(f"/media/{small}")
    assert response.status_code == 200
    assert response.get_data() == stored_bytes(app, small)
    assert len(response.get_data()) < len(client.get(f"/media/{posted_key}").get_data())


@pytest.mark.parametrize("key", [
    "post/999-20250102T030405123456Z.jpg",      # the shape of a key, but nothing stored
    "post/../../etc/passwd",
    "post/1-20250102T030405123456Z.svg",
    "post/1-20250102T030405123456Z.html",
    "other/1-20250102T030405123456Z.jpg",
    "post/",
])
def test_unknown_or_malformed_keys_are_404(client, key):
    response = client.get(f"/media/{key}")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_feed_and_grid_use_renditions_srcset_and_lazy_loading(logged_in, db):
    for caption in ("one", "two"):
        assert upload_post(logged_in, f.jpeg((1600, 1200)), caption=caption).status_code == 302
    keys = post_images(db)
    feed = logged_in.get("/").get_data(as_text=True)
    for key in keys:
        assert f'/media/{rendition_key(key, 640)} 640w' in feed
        assert f'/media/{key} 1600w' in feed
    # Below the first post, images load lazily.
    assert feed.count('loading="lazy"') >= len(keys) - 1
    grid = logged_in.get("/u/alice").get_data(as_text=True)
    grid_imgs = re.findall(r'<article class="post grid-item".*?</article>', grid, re.S)
    assert len(grid_imgs) == 2
    for block in grid_imgs:
        assert 'loading="lazy"' in block and "srcset=" in block
        assert IMG_SRC_RE.search(block).group(1).endswith("-640.jpg")


def test_profile_page_avatar_is_served(client, logged_in, db):
    assert upload_profile_picture(logged_in, f.jpeg((800, 800))).status_code == 302
    page = logged_in.get("/u/alice").get_data(as_text=True)
    src = re.search(r'<img class="avatar[^"]*" src="([^"]+)"', page).group(1)
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
