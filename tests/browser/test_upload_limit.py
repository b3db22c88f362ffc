"""A photo over MAX_UPLOAD_MB never costs the caption: the browser refuses it before sending, and without
scripts the server answers with the form, the caption still in it."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, log_in, save_screenshots
from tests.browser.seed import add_user
from tests.support.images import landscape

CAPTION = "Twenty minutes of typing about this one"
BIG = b"\xff\xd8\xff" + bytes(1536 * 1024)  # 1.5 MB


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAX_UPLOAD_MB": 1}


def _fill(page, name: str = "big.jpg", mime: str = "image/jpeg", body: bytes = BIG) -> None:
    page.goto("/posts/new")
    page.get_by_label("Caption").fill(CAPTION)
    page.get_by_label("Photo", exact=True).set_input_files(files=[{"name": name, "mimeType": mime, "buffer": body}])


def test_the_browser_refuses_a_file_over_the_limit_before_sending(app, new_page, db):
    add_user(app, "alice")
    page = new_page(PHONE)
    log_in(page, "alice")
    posted = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    _fill(page)
    field = page.get_by_label("Photo", exact=True)
    error = page.locator(".field", has=field).locator(".field-error")
    expect(error).to_have_text("That file is too large (1.5 MB). The limit is 1 MB.")
    expect(field).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Share").click()
    expect(field).to_be_focused()
    assert posted == [], "the file was sent anyway"
    expect(page.get_by_label("Caption")).to_have_value(CAPTION)
    save_screenshots(page, "upload-too-large")
    # A file of the right size clears the message, and the post goes through.
    field.set_input_files(files=[{"name": "ok.jpg", "mimeType": "image/jpeg", "buffer": landscape(1, (800, 600))}])
    expect(error).to_have_count(0)
    page.get_by_role("button", name="Share").click()
    expect(page.locator(".flash-success")).to_contain_text("Your photo is posted.")
    assert db.execute("SELECT caption FROM posts").fetchone()["caption"] == CAPTION


def test_without_scripts_the_server_sends_the_form_back_with_the_caption(app, new_page, db):
    add_user(app, "alice")
    page = new_page(PHONE, java_script_enabled=False)
    log_in(page, "alice")
    _fill(page)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Share").click()
    assert answer.value.status == 413
    field = page.get_by_label("Photo", exact=True)
    expect(page.locator(".field", has=field).locator(".field-error")).to_have_text(
        "That file is too large. The limit is 1 MB.")
    expect(field).to_be_focused()  # autofocus: in view, and read out with its message
    expect(page.get_by_label("Caption")).to_have_value(CAPTION)
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0
