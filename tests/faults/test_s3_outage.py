"""S3 down under the app: clean 503s, nothing half-saved, then recovery; orphans are left for media gc."""

import html

import pytest

from photoshare.media.stored_images import image_keys
from tests.support import images as f
from tests.support.actions import (
    delete_post,
    expected_keys,
    media_url,
    post_images,
    profile_image,
    upload_post,
    upload_profile_picture,
)


@pytest.fixture
def app_config(app_config, s3_settings):
    """Every app here stores its media in S3."""
    return {**app_config, **s3_settings}


def test_s3_outage_fails_cleanly_and_the_app_recovers(app, client, logged_in, db, s3_server, s3_buckets):
    assert upload_post(logged_in, f.jpeg(), caption="before").status_code == 302
    before = post_images(db)[0]

    s3_server.stop(kill=True)
    try:
        response = upload_post(logged_in, f.jpeg(), caption="during")
        assert response.status_code == 503
        page = html.unescape(response.get_data(as_text=True))
        assert "Image storage is briefly unavailable, so nothing was saved" in page
        assert "during" in page  # the caption is kept in the form
        response = upload_profile_picture(logged_in, f.jpeg())
        assert response.status_code == 503
        assert "Image storage is briefly unavailable" in html.unescape(response.get_data(as_text=True))

        # No row points to an object that was never stored.
        assert post_images(db) == [before]
        assert profile_image(db, "alice") is None

        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.get_json() == {"database": "ok", "storage": "down"}
        served = client.get(media_url(client.application, before))
        assert served.status_code == 503
        assert "Traceback" not in served.get_data(as_text=True)
    finally:
        s3_server.start()

    assert client.get("/healthz").status_code == 200
    assert client.get(media_url(client.application, before)).status_code == 200
    assert upload_post(logged_in, f.jpeg(), caption="after").status_code == 302
    assert upload_profile_picture(logged_in, f.jpeg()).status_code == 302
    rows = [*post_images(db), profile_image(db, "alice")]
    assert len(rows) == 3
    assert s3_server.keys(*s3_buckets.values()) == expected_keys(*rows)


def test_deleting_a_post_while_s3_is_down_leaves_an_orphan_for_gc(app, logged_in, db, s3_server, s3_buckets):
    assert upload_post(logged_in, f.jpeg()).status_code == 302
    key = post_images(db)[0]
    post_id = db.execute("SELECT id FROM posts").fetchone()["id"]
    s3_server.stop(kill=True)
    try:
        # The post goes (the user asked for that); its object cannot, yet.
        assert delete_post(logged_in, post_id).status_code == 302
        assert post_images(db) == []
    finally:
        s3_server.start()
    assert s3_server.keys(s3_buckets["post"]) == set(image_keys(key))
    result = app.test_cli_runner().invoke(args=["media", "gc", "--grace-seconds", "0", "--apply"])
    assert result.exit_code == 0, result.output
    assert s3_server.keys(s3_buckets["post"]) == set()


def test_media_gc_reports_an_outage(app, s3_server):
    s3_server.stop(kill=True)
    try:
        result = app.test_cli_runner().invoke(args=["media", "gc"])
    finally:
        s3_server.start()
    assert result.exit_code == 1
    assert "the media store is unavailable" in result.output
