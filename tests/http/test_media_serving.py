"""GET /media/<key>?expires=…&sig=… from either backend: signed URLs that expire, type, caching no longer
than the URL is valid, validators, 403s and 404s; and the markup that uses it."""

import html
import re
import time

import pytest

from photoshare.media.keys import rendition_key
from tests.support import images as f
from tests.support.actions import (
    app_config,  # noqa: F401 - the fixture: every test here runs on both backends
    delete_post,
    media_url,
    post_images,
    stored_bytes,
    upload_post,
    upload_profile_picture,
)

IMG_SRC_RE = re.compile(r'<img[^>]*\ssrc="(/media/[^"]+)"')
WINDOW = 3600


@pytest.fixture
def posted_key(logged_in, db) -> str:
    response = upload_post(logged_in, f.jpeg((1200, 800)), caption="sunset")
    assert response.status_code == 302, response.get_data(as_text=True)
    return post_images(db)[0]


def test_serves_the_stored_object_with_type_and_caching(app, client, logged_in, posted_key):
    response = client.get(media_url(app, posted_key))
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.get_data() == stored_bytes(app, posted_key)
    assert response.headers["Content-Length"] == str(len(response.get_data()))
    # Kept by the browser alone, and no longer than the URL is valid: one to two windows.
    cache = re.fullmatch(r"private, max-age=(\d+), immutable", response.headers["Cache-Control"])
    assert cache and WINDOW < int(cache[1]) <= 2 * WINDOW
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]


def test_a_signed_url_needs_no_login(app, logged_in, posted_key):
    anonymous = app.test_client()
    assert anonymous.get(media_url(app, posted_key)).status_code == 200


def test_an_unsigned_forged_or_expired_url_is_refused_before_the_store_is_asked(app, client, logged_in,
                                                                             posted_key):
    good = media_url(app, posted_key)
    expires, sig = re.search(r"expires=(\d+)&sig=([\w-]+)", good).groups()
    now = time.time()
    refused = {
        "unsigned": f"/media/{posted_key}",
        "no signature": f"/media/{posted_key}?expires={expires}",
        "forged": f"/media/{posted_key}?expires={expires}&sig={'A' * 22}",
        "another expiry": f"/media/{posted_key}?expires={int(expires) + WINDOW}&sig={sig}",
        "expired": media_url(app, posted_key, now=now - 3 * WINDOW),
        "not a number": f"/media/{posted_key}?expires=1e99&sig={sig}",
        # Another key's signature: here, a missing one's, so neither existence nor bytes leak.
        "another key": f"/media/post/999-20250102T030405123456Z.jpg?expires={expires}&sig={sig}",
    }
    for what, url in refused.items():
        response = client.get(url)
        assert response.status_code == 403, what
        assert response.headers["Cache-Control"] == "no-store", what


def test_the_url_is_the_same_all_window_and_renditions_share_the_signature(app, logged_in, posted_key):
    start = (int(time.time()) // WINDOW) * WINDOW
    early, late = media_url(app, posted_key, now=start + 1), media_url(app, posted_key, now=start + WINDOW - 1)
    assert early == late
    assert media_url(app, posted_key, now=start + WINDOW) != early
    small = media_url(app, rendition_key(posted_key, 640))
    assert small.partition("?")[2] == media_url(app, posted_key).partition("?")[2]


def test_a_deleted_photo_is_gone_at_its_signed_url(app, client, logged_in, db, posted_key):
    url = media_url(app, posted_key)
    assert client.get(url).status_code == 200
    post_id = db.execute("SELECT id FROM posts").fetchone()["id"]
    assert delete_post(logged_in, post_id).status_code == 302
    gone = client.get(url)
    assert gone.status_code == 404 and gone.headers["Cache-Control"] == "no-store"


def test_revalidation_answers_304(app, client, logged_in, posted_key):
    url = media_url(app, posted_key)
    first = client.get(url)
    by_etag = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.get_data() == b""
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code == 304
    changed = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_renditions_are_served(app, client, logged_in, posted_key):
    small = rendition_key(posted_key, 640)
    response = client.get(media_url(app, small))
    assert response.status_code == 200
    assert response.get_data() == stored_bytes(app, small)
    assert len(response.get_data()) < len(client.get(media_url(app, posted_key)).get_data())


@pytest.mark.parametrize("key", [
    "post/999-20250102T030405123456Z.jpg",      # the shape of a key, signed, but nothing stored
    "post/../../etc/passwd",
    "post/1-20250102T030405123456Z.svg",
    "post/1-20250102T030405123456Z.html",
    "other/1-20250102T030405123456Z.jpg",
    "post/",
])
def test_unknown_or_malformed_keys_are_404(app, client, key):
    response = client.get(media_url(app, key) if key.endswith(".jpg") and key.startswith("post/") else f"/media/{key}")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_feed_and_grid_use_signed_renditions_srcset_and_lazy_loading(app, client, logged_in, db):
    for caption in ("one", "two"):
        assert upload_post(logged_in, f.jpeg((1600, 1200)), caption=caption).status_code == 302
    keys = post_images(db)
    feed = logged_in.get("/").get_data(as_text=True)
    for key in keys:
        signature = html.escape(media_url(app, key).partition("?")[2])
        assert f'/media/{rendition_key(key, 640)}?{signature} 640w' in feed
        assert f'/media/{key}?{signature} 1600w' in feed
    # Below the first post, images load lazily.
    assert feed.count('loading="lazy"') >= len(keys) - 1
    grid = logged_in.get("/u/alice").get_data(as_text=True)
    grid_imgs = re.findall(r'<article class="post grid-item".*?</article>', grid, re.S)
    assert len(grid_imgs) == 2
    for block in grid_imgs:
        assert 'loading="lazy"' in block and "srcset=" in block
        src = html.unescape(IMG_SRC_RE.search(block).group(1))
        assert src.partition("?")[0].endswith("-640.jpg")
        assert client.get(src).status_code == 200  # what the page links, anyone holding it can fetch


def test_profile_page_avatar_is_served(client, logged_in, db):
    assert upload_profile_picture(logged_in, f.jpeg((800, 800))).status_code == 302
    page = logged_in.get("/u/alice").get_data(as_text=True)
    src = html.unescape(re.search(r'<img class="avatar[^"]*" src="([^"]+)"', page).group(1))
    response = client.get(src)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
