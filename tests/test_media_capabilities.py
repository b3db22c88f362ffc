"""The store's optional capabilities: a cheap copy, and a direct URL instead of serving through the app."""

import errno
import os

import pytest

from photoshare.errors import MediaNotFound
from photoshare.media.local import LocalMediaStore
from photoshare.media.s3 import S3MediaStore
from tests.test_media_store import POST_KEY, store  # noqa: F401 - the both-backends fixture

COPY_KEY = "post/8-20250102T030405123456Z.jpg"


def test_copy_stores_the_same_bytes_under_a_second_key(store):  # noqa: F811 - fixture
    store.put_object(POST_KEY, b"\xff\xd8original", "image/jpeg")
    store.copy(POST_KEY, COPY_KEY)
    assert store.get_object(COPY_KEY).read() == b"\xff\xd8original"
    assert store.get_object(COPY_KEY).content_type == "image/jpeg"
    # Each key lives on its own: deleting one leaves the other.
    store.delete_object(POST_KEY)
    assert store.get_object(COPY_KEY).read() == b"\xff\xd8original"
    assert not store.exists(POST_KEY)


def test_copy_of_a_missing_key_is_not_found(store):  # noqa: F811 - fixture
    with pytest.raises(MediaNotFound):
        store.copy(POST_KEY, COPY_KEY)
    assert not store.exists(COPY_KEY)


def test_copy_replaces_a_leftover_under_the_target(store):  # noqa: F811 - fixture
    store.put_object(POST_KEY, b"new", "image/jpeg")
    store.put_object(COPY_KEY, b"leftover", "image/jpeg")
    store.copy(POST_KEY, COPY_KEY)
    assert store.get_object(COPY_KEY).read() == b"new"


def test_local_copy_is_a_hard_link(tmp_path):
    local = LocalMediaStore(tmp_path)
    local.put_object(POST_KEY, b"bytes", "image/jpeg")
    local.copy(POST_KEY, COPY_KEY)
    assert os.stat(tmp_path / POST_KEY).st_ino == os.stat(tmp_path / COPY_KEY).st_ino


def test_local_copy_falls_back_to_bytes_when_links_run_out(tmp_path, monkeypatch):
    local = LocalMediaStore(tmp_path)
    local.put_object(POST_KEY, b"bytes", "image/jpeg")

    def too_many_links(_src, _dst):
        raise OSError(errno.EMLINK, "Too many links")

    monkeypatch.setattr(os, "link", too_many_links)
    local.copy(POST_KEY, COPY_KEY)
    assert (tmp_path / COPY_KEY).read_bytes() == b"bytes"
    assert os.stat(tmp_path / POST_KEY).st_ino != os.stat(tmp_path / COPY_KEY).st_ino


def test_no_redirect_unless_the_backend_offers_one(store):  # noqa: F811 - fixture
    store.put_object(POST_KEY, b"x", "image/jpeg")
    assert store.redirect_url(POST_KEY) is None


def test_s3_redirect_of_a_missing_object_is_not_found(s3_server, s3_buckets):
    presigning = S3MediaStore(s3_server.endpoint_url, s3_buckets["post"], s3_buckets["profile"],
                              presigned_expires=60)
    with pytest.raises(MediaNotFound):
        presigning.redirect_url(POST_KEY)
