"""Uploads over MAX_UPLOAD_MB: 413, and the form comes back with its text and the message at the file field."""

import re

import pytest

from tests.support.actions import csrf_token, post_images, profile_image, upload

MESSAGE = "That file is too large. The limit is 1 MB."


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 1024 * 1024 + 64 * 1024}


def _post(client, path: str, size: int, extra: dict):
    return upload(client, path, extra, [("image", b"\xff\xd8\xff" + b"\x00" * (size - 3), "big.jpg")])


FORMS = [("/posts/new", {"caption": "Too big, but I typed this", "alt_text": "A very wide panorama"}),
         ("/settings/profile", {"upload": "Save picture"})]


def _message_at_the_file_field(page: str) -> bool:
    field = re.search(r'<div class="field has-error">\s*<label for="image">.*?</div>', page, re.S)
    return bool(field) and MESSAGE in field.group(0) and 'aria-invalid="true"' in field.group(0)


@pytest.mark.parametrize("path, extra", FORMS)
@pytest.mark.parametrize("size", [
    1024 * 1024 + 10_000,     # just over the file limit
    3 * 1024 * 1024,          # three times the limit: still read, for the text that comes after the file
])
def test_over_the_limit_is_413_with_the_form_and_its_text(logged_in, db, path, extra, size):
    response = _post(logged_in, path, size, extra)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert _message_at_the_file_field(page)
    if path == "/posts/new":
        for text in extra.values():
            assert re.search(rf">\s*{re.escape(text)}</textarea>", page), "the typed text was lost"
    assert "Traceback" not in page
    assert post_images(db) == [] and profile_image(db, "alice") is None


@pytest.mark.parametrize("path, extra", FORMS)
def test_far_over_the_limit_is_refused_unread_with_the_form(logged_in, db, path, extra):
    # Over four times the limit the body is not read at all: the form comes back with the message
    # (its text was never read, so it cannot be kept; the browser's own check stops this earlier).
    response = _post(logged_in, path, 5 * 1024 * 1024, extra)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert _message_at_the_file_field(page)
    assert post_images(db) == [] and profile_image(db, "alice") is None


def test_a_visitor_gets_the_error_page_and_nothing_is_read(client, db):
    # Only a logged-in user's upload gets the larger limit: nobody else could post a photo anyway.
    response = upload(client, "/posts/new", {"caption": "x"}, [("image", b"\x00" * (2 * 1024 * 1024), "big.jpg")],
                      token=csrf_token(client, "/auth/login"))
    assert response.status_code == 413
    assert MESSAGE in response.get_data(as_text=True)


def test_a_json_client_gets_json(logged_in):
    response = logged_in.post("/posts/new", data=b"x" * (5 * 1024 * 1024), content_type="multipart/form-data",
                              headers={"Accept": "application/json"})
    assert response.status_code == 413 and response.get_json() == {"error": MESSAGE}


@pytest.mark.parametrize("path, extra", FORMS)
def test_at_the_limit_the_file_is_read(logged_in, path, extra):
    # Exactly 1 MB of not-an-image: read in full, then refused as a bad file, not as too large.
    response = _post(logged_in, path, 1024 * 1024, extra)
    assert response.status_code == 400
    assert "not a JPEG, PNG, GIF or WebP" in response.get_data(as_text=True)


def test_the_forms_state_the_limit_and_tell_the_browser(logged_in):
    for path, _extra in FORMS:
        page = logged_in.get(path).get_data(as_text=True)
        assert "up to 1 MB" in page
        # static/uploads.js refuses a larger file before sending it.
        assert f'data-max-upload-bytes="{1024 * 1024}"' in page
        assert '<script src="/static/uploads.js" defer></script>' in page
