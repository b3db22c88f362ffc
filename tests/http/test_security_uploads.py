"""Hostile uploads: refused with a message and nothing stored, or stored only as a clean re-encoded image."""

import io
import random

import pytest
from PIL import Image

from tests.support.actions import AuthActions, media_url, running_app, snapshot, stored_files, upload
from tests.support.images import HTML, SVG, image_bytes, jpeg_with_comment, png_with_header

JPEG = image_bytes("JPEG", (300, 200))
# A real JPEG whose comment segment and trailer carry HTML: browsers that sniff would run it.
POLYGLOT = jpeg_with_comment(JPEG, HTML) + b"<html><script>alert(2)</script></html>"

MARKUP = "The file contains HTML, SVG or script."
REFUSED = {
    "svg with script": (SVG, "cat.svg", MARKUP),
    "svg renamed .jpg": (SVG, "cat.jpg", MARKUP),
    "html renamed .jpg": (HTML, "page.jpg", MARKUP),
    "jpeg/html polyglot": (POLYGLOT, "poly.jpg", MARKUP),
    "png bomb": (png_with_header(100_000, 100_000), "bomb.png", "too many pixels"),
    "png over the pixel limit": (png_with_header(8000, 8000), "big.png", "too many pixels"),
    "truncated jpeg": (JPEG[: len(JPEG) // 2], "half.jpg", "damaged or truncated"),
    "truncated header": (JPEG[:40], "head.jpg", "not a JPEG, PNG, GIF or WebP"),
    "empty file": (b"", "empty.jpg", "empty"),
    "0x0 png": (png_with_header(0, 0), "zero.png", "not a JPEG, PNG, GIF or WebP"),
}

UPLOAD_FORMS = {"post": ("/posts/new", {"caption": "hello"}), "profile": ("/settings/profile", {"upload": "Save"})}


@pytest.mark.parametrize("kind", UPLOAD_FORMS)
@pytest.mark.parametrize("case", REFUSED)
def test_refused_uploads_store_nothing(logged_in, db, media_root, kind, case):
    body, filename, message = REFUSED[case]
    path, fields = UPLOAD_FORMS[kind]
    before = snapshot(db, media_root)
    response = upload(logged_in, path, fields, [("image", body, filename)])
    assert response.status_code == 400, response.status_code
    assert message in response.get_data(as_text=True)
    assert snapshot(db, media_root) == before


@pytest.mark.parametrize("kind", UPLOAD_FORMS)
def test_missing_file_field_is_a_message(logged_in, db, media_root, kind):
    path, fields = UPLOAD_FORMS[kind]
    before = snapshot(db, media_root)
    response = upload(logged_in, path, fields, [])
    assert response.status_code == 400
    assert "Choose an image to upload." in response.get_data(as_text=True)
    assert snapshot(db, media_root) == before


def test_jpeg_comments_are_not_stored_or_served(logged_in, db, media_root):
    # A comment segment (where a polyglot hides its payload) is dropped by the re-encoding.
    comment = b"uploader's private note 48.8584N 2.2945E"
    tagged = jpeg_with_comment(JPEG, comment)
    response = upload(logged_in, "/posts/new", {"caption": "tagged"}, [("image", tagged, "tagged.jpg")])
    assert response.status_code == 302
    key = db.execute("SELECT image FROM posts").fetchone()["image"]
    assert key.endswith(".jpg")
    for stored in stored_files(media_root):
        data = (media_root / stored).read_bytes()
        assert comment not in data
        Image.open(io.BytesIO(data)).verify()
    served = logged_in.get(media_url(logged_in.application, key))
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert comment not in served.get_data()


@pytest.mark.parametrize(("path", "fields"), [("/posts/new", {"caption": "two"}),
                                           ("/settings/profile", {"upload": "Save picture"})])
def test_two_files_in_a_one_file_field_are_refused_and_nothing_is_stored(logged_in, db, media_root, path, fields):
    before = snapshot(db, media_root)
    response = upload(logged_in, path, fields,
                      [("image", image_bytes("PNG"), "first.png"), ("image", image_bytes("JPEG"), "second.jpg")])
    assert response.status_code == 400
    assert "Choose one image." in response.get_data(as_text=True)
    assert snapshot(db, media_root) == before


def test_file_name_never_reaches_the_key(logged_in, db, media_root):
    response = upload(logged_in, "/posts/new", {}, [("image", image_bytes("PNG"), "../../etc/passwd.php")])
    assert response.status_code == 302
    key = db.execute("SELECT image FROM posts").fetchone()["image"]
    assert "passwd" not in key and ".." not in key and key.endswith(".png")
    assert all(path.startswith("post/") for path in stored_files(media_root))


@pytest.fixture
def small_limit_app(app_config, db):
    with running_app({**app_config, "MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 1024 * 1024 + 64 * 1024}) as app:
        yield app


@pytest.mark.parametrize("path", ["/posts/new", "/settings/profile"])
def test_file_over_the_size_limit_is_413(small_limit_app, db, media_root, path):
    client = small_limit_app.test_client()
    AuthActions(client).register("alice")
    before = snapshot(db, media_root)
    big = image_bytes("PNG") + random.Random(7).randbytes(2 * 1024 * 1024)
    response = upload(client, path, {"caption": "big"}, [("image", big, "big.png")])
    assert response.status_code == 413
    assert "The limit is 1 MB." in response.get_data(as_text=True)
    assert snapshot(db, media_root) == before
