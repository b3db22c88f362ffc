"""The whole app on MEDIA_BACKEND=s3 against a real SeaweedFS: buckets, serving, presigned redirects."""

import urllib.request

import pytest

from photoshare.media.keys import rendition_key
from photoshare.media.stored_images import image_keys
from tests.support import images as f
from tests.support.actions import (
    PASSWORD,
    AuthActions,
    delete_account,
    delete_post,
    media_url,
    post_images,
    profile_image,
    running_app,
    upload_post,
    upload_profile_picture,
)


@pytest.fixture
def app_config(app_config, s3_settings):
    """Every app here stores its media in S3."""
    return {**app_config, **s3_settings}


def test_profile_picture_and_post_image_live_in_their_buckets(client, logged_in, db, s3_server, s3_buckets):
    s3 = s3_server.client()
    assert upload_profile_picture(logged_in, f.jpeg((800, 800))).status_code == 302
    assert upload_post(logged_in, f.png_rgba((900, 700)), "photo.png", caption="first").status_code == 302
    avatar, post = profile_image(db, "alice"), post_images(db)[0]

    # The app created both buckets, versioning left off.
    for bucket in s3_buckets.values():
        assert s3.get_bucket_versioning(Bucket=bucket).get("Status") is None
    assert s3_server.keys(s3_buckets["profile"]) == set(image_keys(avatar))
    assert s3_server.keys(s3_buckets["post"]) == set(image_keys(post))
    assert s3.head_object(Bucket=s3_buckets["profile"], Key=avatar)["ContentType"] == "image/jpeg"
    assert s3.head_object(Bucket=s3_buckets["post"], Key=post)["ContentType"] == "image/png"

    # Pages point at /media/, which streams the bucket's bytes.
    post_id = db.execute("SELECT id FROM posts").fetchone()["id"]
    page = logged_in.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f"/media/{rendition_key(post, 640)}?expires=" in page
    served = client.get(media_url(client.application, post))
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.get_data() == s3.get_object(Bucket=s3_buckets["post"], Key=post)["Body"].read()

    # Replacing the picture removes the old objects; deleting the post removes its objects.
    assert upload_profile_picture(logged_in, f.jpeg((600, 600))).status_code == 302
    new_avatar = profile_image(db, "alice")
    assert s3_server.keys(s3_buckets["profile"]) == set(image_keys(new_avatar))
    assert delete_post(logged_in, post_id).status_code == 302
    assert s3_server.keys(s3_buckets["post"]) == set()

    # Deleting the account empties its bucket share.
    assert upload_post(logged_in, f.jpeg()).status_code == 302
    assert delete_account(logged_in, PASSWORD).status_code == 302
    assert s3_server.keys(s3_buckets["post"]) == set()
    assert s3_server.keys(s3_buckets["profile"]) == set()


def test_healthz_checks_the_buckets(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "storage": "ok"}


@pytest.fixture
def presigned_app_config(app_config):
    return {**app_config, "S3_PRESIGNED_REDIRECT": True, "S3_PRESIGNED_EXPIRES": 120}


def test_presigned_redirect_option(presigned_app_config, db, s3_server):
    with running_app(presigned_app_config) as app:
        client = app.test_client()
        assert AuthActions(client).register("carol").status_code == 302
        assert upload_post(client, f.jpeg()).status_code == 302
        key = post_images(db)[0]
        assert client.get(f"/media/{key}").status_code == 403  # unsigned: refused before S3 is asked
        response = client.get(media_url(app, key))
        assert response.status_code == 302
        location = response.headers["Location"]
        assert location.startswith(s3_server.endpoint_url)
        assert response.headers["Cache-Control"] == "private, max-age=60"
        with urllib.request.urlopen(location, timeout=10) as direct:  # noqa: S310 - the test server's URL
            assert direct.headers["Content-Type"] == "image/jpeg"
            assert direct.read()[:2] == b"\xff\xd8"
        assert client.get(media_url(app, "post/999-20250102T030405123456Z.jpg")).status_code == 404
