"""Uploads, replacements and deletions through the app, against both backends: rows and objects agree."""

import html
import io

import psycopg
import pytest
from PIL import Image

from photoshare.media.factory import get_store
from photoshare.media.images import process_image
from photoshare.media.keys import rendition_key
from photoshare.media.stored_images import image_keys
from photoshare.services.write_order import stored_image
from tests.support import images as f
from tests.support.actions import (
    PASSWORD,
    app_config,  # noqa: F401 - the fixture: every test here runs on both backends
    delete_account,
    delete_post,
    expected_keys,
    post_images,
    profile_image,
    remove_profile_picture,
    stored_bytes,
    stored_keys,
    upload_post,
    upload_profile_picture,
)


def referenced_keys(db) -> set[str]:
    rows = db.execute("SELECT image FROM posts UNION ALL SELECT image FROM profile WHERE image IS NOT NULL")
    return expected_keys(*(row["image"] for row in rows))


def assert_rows_and_objects_agree(app, db):
    """No row points to a missing object, and no object outlives its row."""
    assert stored_keys(app) == referenced_keys(db)


def test_post_upload_stores_image_and_rendition(app, logged_in, db):
    response = upload_post(logged_in, f.jpeg((1600, 1000)), caption="hello")
    assert response.status_code == 302
    [key] = post_images(db)
    assert key.startswith("post/") and key.endswith(".jpg")
    assert stored_keys(app) == {key, rendition_key(key, 640)}
    assert Image.open(io.BytesIO(stored_bytes(app, key))).size == (1600, 1000)
    assert Image.open(io.BytesIO(stored_bytes(app, rendition_key(key, 640)))).size == (640, 400)
    row = db.execute("SELECT image_width, image_height FROM posts").fetchone()
    assert (row["image_width"], row["image_height"]) == (1600, 1000)
    assert_rows_and_objects_agree(app, db)


def test_stored_bytes_carry_no_gps(app, logged_in, db):
    assert upload_post(logged_in, f.jpeg_with_gps((900, 600), orientation=6)).status_code == 302
    assert upload_profile_picture(logged_in, f.jpeg_with_gps((600, 600))).status_code == 302
    keys = [*image_keys(post_images(db)[0]), *image_keys(profile_image(db, "alice"))]
    for key in keys:
        data = stored_bytes(app, key)
        img = Image.open(io.BytesIO(data))
        assert dict(img.getexif()) == {}, key
        assert b"PhotoshareTestCam" not in data
    # Orientation 6 was applied: the 900x600 photo stands upright.
    assert Image.open(io.BytesIO(stored_bytes(app, post_images(db)[0]))).size == (600, 900)


def test_replacing_and_removing_the_profile_picture_deletes_old_objects(app, logged_in, db):
    assert upload_profile_picture(logged_in, f.jpeg((700, 700))).status_code == 302
    first = profile_image(db, "alice")
    assert stored_keys(app) == set(image_keys(first))
    assert upload_profile_picture(logged_in, f.png_rgba((300, 300)), "me.png").status_code == 302
    second = profile_image(db, "alice")
    assert second != first and second.endswith(".png")
    assert stored_keys(app) == set(image_keys(second))
    response = remove_profile_picture(logged_in)
    assert response.status_code == 302
    assert profile_image(db, "alice") is None
    assert stored_keys(app) == set()


def test_deleting_a_post_deletes_its_objects(app, logged_in, db):
    upload_post(logged_in, f.jpeg(), caption="keep")
    upload_post(logged_in, f.jpeg(), caption="drop")
    drop = db.execute("SELECT id, image FROM posts WHERE caption = 'drop'").fetchone()
    assert delete_post(logged_in, drop["id"]).status_code == 302
    assert not set(image_keys(drop["image"])) & stored_keys(app)
    assert_rows_and_objects_agree(app, db)


def test_deleting_the_account_deletes_all_its_objects(app, logged_in, another_client, db):
    upload_post(logged_in, f.jpeg())
    upload_profile_picture(logged_in, f.jpeg())
    upload_post(another_client, f.jpeg(), caption="bob's")
    assert delete_account(logged_in, PASSWORD).status_code == 302
    assert db.execute("SELECT count(*) AS n FROM users WHERE username = 'alice'").fetchone()["n"] == 0
    bob_key = post_images(db)[0]
    assert stored_keys(app) == set(image_keys(bob_key))
    assert_rows_and_objects_agree(app, db)


@pytest.mark.parametrize("data, filename, message", [
    (f.SVG, "drawing.svg", "HTML, SVG or script"),
    (f.polyglot_appended(), "photo.jpg", "HTML, SVG or script"),
    (f.truncated_jpeg(), "photo.jpg", "damaged or truncated"),
    (f.png_with_header(), "bomb.png", "too many pixels"),
    (b"<html><body>hi</body></html>", "page.html", "HTML, SVG or script"),
    (b"GIF87a is what this text pretends to be", "fake.gif", "not a JPEG, PNG, GIF or WebP"),
])
def test_bad_files_get_400_with_a_message_and_store_nothing(app, logged_in, db, data, filename, message):
    for response in (upload_post(logged_in, data, filename), upload_profile_picture(logged_in, data, filename)):
        assert response.status_code == 400
        assert message in html.unescape(response.get_data(as_text=True))
    assert post_images(db) == [] and profile_image(db, "alice") is None
    assert stored_keys(app) == set()


def test_missing_file_is_400(logged_in, db):
    response = logged_in.post("/posts/new", data={"csrf_token": "x"})
    assert response.status_code == 400
    assert post_images(db) == []


def test_a_failed_row_write_removes_the_new_object(app):
    image = process_image(f.jpeg(), "post")
    key = "post/1-20250102T030405123456Z.jpg"
    with app.app_context():
        store = get_store()
        with pytest.raises(RuntimeError), stored_image(store, key, image):
            assert store.exists(key)
            raise RuntimeError("the transaction rolled back")
        assert not any(store.exists(k) for k in image_keys(key))


def test_an_unknown_commit_outcome_keeps_the_object_for_media_gc(app):
    image = process_image(f.jpeg(), "post")
    key = "post/2-20250102T030405123456Z.jpg"
    with app.app_context():
        store = get_store()
        with pytest.raises(psycopg.OperationalError), stored_image(store, key, image):
            # The connection broke during COMMIT: the row may exist, so the object must too.
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        assert all(store.exists(k) for k in image_keys(key))
