"""Uploading through the real forms, and reading back what the app stored."""

import io
import re

import pytest

from tests.conftest import csrf_token

IMG_SRC_RE = re.compile(r'<img[^>]*\ssrc="(/media/[^"]+)"')


@pytest.fixture(params=["local", "s3"])
def app_config(request, app_config):
    """Import into a test module to run each of its tests against both backends."""
    if request.param == "s3":
        return {**app_config, **request.getfixturevalue("s3_settings")}
    return app_config


def upload_post(client, data: bytes, filename: str = "photo.jpg", caption: str = "", alt_text: str = ""):
    """POST /posts/new with a file, as the create form does."""
    return client.post("/posts/new", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/posts/new"),
        "caption": caption, "alt_text": alt_text,
        "image": (io.BytesIO(data), filename),
    })


def upload_profile_picture(client, data: bytes, filename: str = "me.jpg"):
    """POST /settings/profile with a file, as the settings form does."""
    return client.post("/settings/profile", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/settings/profile"),
        "image": (io.BytesIO(data), filename), "upload": "Save picture",
    })


def remove_profile_picture(client):
    return client.post("/settings/profile", data={
        "csrf_token": csrf_token(client, "/settings/profile"), "remove": "Remove picture"})


def delete_post(client, post_id: int):
    return client.post(f"/posts/{post_id}/delete", data={"csrf_token": csrf_token(client, f"/posts/{post_id}")})


def delete_account(client, password: str):
    return client.post("/settings/delete-account", data={
        "csrf_token": csrf_token(client, "/settings/profile"), "password": password})


def post_images(db) -> list[str]:
    return [row["image"] for row in db.execute("SELECT image FROM posts ORDER BY id")]


def profile_image(db, username: str) -> str | None:
    row = db.execute("SELECT pr.image FROM profile pr JOIN users u ON u.id = pr.user_id "
                     "WHERE u.username = %s", (username,)).fetchone()
    return row["image"]
