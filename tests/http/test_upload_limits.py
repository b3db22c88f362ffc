"""Uploads over MAX_UPLOAD_MB get the friendly 413 page, on both upload forms."""

import pytest

from tests.support.actions import post_images, profile_image, upload


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 1024 * 1024 + 64 * 1024}


def _post(client, path: str, size: int, extra: dict):
    return upload(client, path, extra, [("image", b"\xff\xd8\xff" + b"\x00" * (size - 3), "big.jpg")])


FORMS = [("/posts/new", {"caption": "too big"}), ("/settings/profile", {"upload": "Save picture"})]


@pytest.mark.parametrize("path, extra", FORMS)
@pytest.mark.parametrize("size", [
    3 * 1024 * 1024,          # far over: refused from the request's length
    1024 * 1024 + 10_000,     # just over the file limit, inside the form's margin: refused after reading
])
def test_over_the_limit_is_413_with_a_friendly_page(logged_in, db, path, extra, size):
    response = _post(logged_in, path, size, extra)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "File too large" in page and "The limit is 1 MB." in page
    assert "Traceback" not in page
    assert post_images(db) == [] and profile_image(db, "alice") is None


@pytest.mark.parametrize("path, extra", FORMS)
def test_at_the_limit_the_file_is_read(logged_in, path, extra):
    # Exactly 1 MB of not-an-image: read in full, then refused as a bad file, not as too large.
    response = _post(logged_in, path, 1024 * 1024, extra)
    assert response.status_code == 400
    assert "not a JPEG, PNG, GIF or WebP" in response.get_data(as_text=True)


def test_the_forms_state_the_limit(logged_in):
    for path, _extra in FORMS:
        assert "up to 1 MB" in logged_in.get(path).get_data(as_text=True)
