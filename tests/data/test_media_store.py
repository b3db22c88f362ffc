"""The media-store interface: one behavioural suite for the local and the S3 backend, with its optional
capabilities (a cheap copy, a direct URL)."""

import errno
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from photoshare.errors import MediaNotFound, StorageUnavailable
from photoshare.media.keys import InvalidKey
from photoshare.media.local import LocalMediaStore
from photoshare.media.s3 import S3MediaStore

POST_KEY = "post/7-20250102T030405123456Z.jpg"
PROFILE_KEY = "profile/alice-20250102T030405123456Z.png"


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """A fresh, empty store of each backend."""
    if request.param == "local":
        return LocalMediaStore(tmp_path / "media")
    server = request.getfixturevalue("s3_server")
    buckets = request.getfixturevalue("s3_buckets")
    return S3MediaStore(server.endpoint_url, buckets["post"], buckets["profile"], max_attempts=1)


def test_put_then_get_returns_bytes_type_and_length(store):
    store.put_object(POST_KEY, b"\xff\xd8jpeg bytes", "image/jpeg")
    obj = store.get_object(POST_KEY)
    assert obj.read() == b"\xff\xd8jpeg bytes"
    assert obj.content_type == "image/jpeg"
    assert obj.content_length == len(b"\xff\xd8jpeg bytes")
    assert obj.etag
    assert abs(obj.last_modified - datetime.now(UTC)) < timedelta(minutes=5)


@pytest.mark.parametrize("key, content_type", [
    ("post/1-20250102T030405123456Z.png", "image/png"),
    ("post/1-20250102T030405123456Z.gif", "image/gif"),
    ("profile/bob-20250102T030405123456Z.webp", "image/webp"),
])
def test_content_types(store, key, content_type):
    store.put_object(key, b"data", content_type)
    assert store.get_object(key).content_type == content_type


def test_missing_key_is_not_found(store):
    with pytest.raises(MediaNotFound):
        store.get_object(POST_KEY)
    assert store.exists(POST_KEY) is False


def test_exists_and_delete(store):
    store.put_object(PROFILE_KEY, b"png", "image/png")
    assert store.exists(PROFILE_KEY)
    store.delete_object(PROFILE_KEY)
    assert not store.exists(PROFILE_KEY)
    with pytest.raises(MediaNotFound):
        store.get_object(PROFILE_KEY)
    # Deleting what is not there is not an error.
    store.delete_object(PROFILE_KEY)


def test_list_objects_by_prefix(store):
    store.put_object(POST_KEY, b"a", "image/jpeg")
    store.put_object("post/8-20250102T030405123456Z-640.jpg", b"b", "image/jpeg")
    store.put_object(PROFILE_KEY, b"c", "image/png")
    posts = sorted(obj.key for obj in store.list_objects("post/"))
    assert posts == ["post/7-20250102T030405123456Z.jpg", "post/8-20250102T030405123456Z-640.jpg"]
    profiles = list(store.list_objects("profile/"))
    assert [obj.key for obj in profiles] == [PROFILE_KEY]
    assert profiles[0].last_modified.tzinfo is not None


def test_list_objects_of_an_empty_store(store):
    assert list(store.list_objects("post/")) == []


def test_check_passes_on_a_usable_store(store):
    store.check()


def test_keys_are_never_overwritten_by_another_kind(store):
    """A post key and a profile key with the same name part are different objects."""
    store.put_object("post/x-20250102T030405123456Z.jpg", b"post", "image/jpeg")
    store.put_object("profile/x-20250102T030405123456Z.jpg", b"profile", "image/jpeg")
    assert store.get_object("post/x-20250102T030405123456Z.jpg").read() == b"post"
    assert store.get_object("profile/x-20250102T030405123456Z.jpg").read() == b"profile"


# --- the local backend ---------------------------------------------------------------------------

TRAVERSALS = ["../escape.jpg", "post/../../escape.jpg", "/tmp/escape.jpg", "post\\..\\..\\escape.jpg",
              "post/escape\x00.jpg", "", "post//escape.jpg", "post/./escape.jpg", "..", "post/.."]


@pytest.mark.parametrize("key", TRAVERSALS)
def test_local_refuses_keys_that_could_escape_the_root(tmp_path, key):
    root = tmp_path / "media"
    store = LocalMediaStore(root)
    with pytest.raises(InvalidKey):
        store.put_object(key, b"evil", "image/jpeg")
    with pytest.raises(MediaNotFound):
        store.get_object(key)
    assert store.exists(key) is False
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []


def test_local_refuses_a_symlink_out_of_the_root(tmp_path):
    root = tmp_path / "media"
    (root / "post").mkdir(parents=True)
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"secret")
    (root / "post" / "link-20250102T030405123456Z.jpg").symlink_to(outside)
    with pytest.raises(MediaNotFound):
        LocalMediaStore(root).get_object("post/link-20250102T030405123456Z.jpg")


def test_local_writes_files_under_root_readable_and_without_leftovers(tmp_path):
    root = tmp_path / "media"
    LocalMediaStore(root).put_object(POST_KEY, b"data", "image/jpeg")
    path = root / POST_KEY
    assert path.read_bytes() == b"data"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in (root / "post").iterdir()) == [path.name]


def test_local_check_fails_on_an_unwritable_root(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageUnavailable):
        LocalMediaStore(blocker / "media").check()


def test_local_put_reports_a_disk_failure_as_unavailable(tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    (root / "post").write_text("a file where the folder should be")
    with pytest.raises(StorageUnavailable):
        LocalMediaStore(root).put_object(POST_KEY, b"data", "image/jpeg")


# --- the S3 backend ------------------------------------------------------------------------------

@pytest.fixture
def s3_store(s3_server, s3_buckets) -> S3MediaStore:
    return S3MediaStore(s3_server.endpoint_url, s3_buckets["post"], s3_buckets["profile"], max_attempts=1)


def test_s3_puts_each_kind_in_its_bucket_under_the_full_key(s3_store, s3_server, s3_buckets):
    s3_store.put_object(POST_KEY, b"post bytes", "image/jpeg")
    s3_store.put_object(PROFILE_KEY, b"profile bytes", "image/png")
    s3 = s3_server.client()
    post = s3.get_object(Bucket=s3_buckets["post"], Key=POST_KEY)
    assert post["Body"].read() == b"post bytes" and post["ContentType"] == "image/jpeg"
    profile = s3.get_object(Bucket=s3_buckets["profile"], Key=PROFILE_KEY)
    assert profile["Body"].read() == b"profile bytes" and profile["ContentType"] == "image/png"
    assert "Contents" not in s3.list_objects_v2(Bucket=s3_buckets["post"], Prefix="profile/")


def test_s3_creates_missing_buckets_with_versioning_off(s3_store, s3_server, s3_buckets):
    s3 = s3_server.client()
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert not names & set(s3_buckets.values())
    s3_store.put_object(POST_KEY, b"x", "image/jpeg")
    s3_store.check()
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert set(s3_buckets.values()) <= names
    for bucket in s3_buckets.values():
        assert s3.get_bucket_versioning(Bucket=bucket).get("Status") is None


def test_s3_uses_an_existing_bucket(s3_store, s3_server, s3_buckets):
    s3 = s3_server.client()
    s3.create_bucket(Bucket=s3_buckets["post"])
    s3.put_object(Bucket=s3_buckets["post"], Key="post/old-20250102T030405123456Z.jpg", Body=b"old")
    s3_store.put_object(POST_KEY, b"new", "image/jpeg")
    assert s3_store.get_object("post/old-20250102T030405123456Z.jpg").read() == b"old"


def test_s3_recreates_a_bucket_removed_behind_its_back(s3_store, s3_server, s3_buckets):
    s3_store.put_object(POST_KEY, b"first", "image/jpeg")
    s3_server.client().delete_object(Bucket=s3_buckets["post"], Key=POST_KEY)
    s3_server.client().delete_bucket(Bucket=s3_buckets["post"])
    s3_store.put_object(POST_KEY, b"second", "image/jpeg")
    assert s3_store.get_object(POST_KEY).read() == b"second"


def test_s3_missing_object_in_missing_bucket_is_not_found(s3_store):
    with pytest.raises(MediaNotFound):
        s3_store.get_object(POST_KEY)
    s3_store.delete_object(POST_KEY)
    assert list(s3_store.list_objects("post/")) == []


def test_s3_lists_every_page(s3_server, s3_buckets):
    store = S3MediaStore(s3_server.endpoint_url, s3_buckets["post"], s3_buckets["profile"], list_page_size=2)
    keys = [f"post/{n}-20250102T030405123456Z.jpg" for n in range(5)]
    for key in keys:
        store.put_object(key, b"x", "image/jpeg")
    assert sorted(obj.key for obj in store.list_objects("post/")) == sorted(keys)


def test_s3_presigned_url_serves_the_object(s3_server, s3_buckets):
    import urllib.request

    store = S3MediaStore(s3_server.endpoint_url, s3_buckets["post"], s3_buckets["profile"], presigned_expires=60)
    store.put_object(POST_KEY, b"signed", "image/jpeg")
    url = store.redirect_url(POST_KEY)
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the test server's URL
        assert response.read() == b"signed"
        assert response.headers["Content-Type"] == "image/jpeg"


def test_s3_wrong_credentials_are_unavailable_not_a_crash(s3_server, s3_buckets, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    store = S3MediaStore(s3_server.endpoint_url, s3_buckets["post"], s3_buckets["profile"], max_attempts=1)
    with pytest.raises(StorageUnavailable):
        store.check()
    with pytest.raises(StorageUnavailable):
        store.put_object(POST_KEY, b"x", "image/jpeg")


def test_s3_unreachable_endpoint_is_unavailable(s3_buckets):
    with socket_closed_port() as port:
        store = S3MediaStore(f"http://127.0.0.1:{port}", s3_buckets["post"], s3_buckets["profile"],
                             connect_timeout=1, max_attempts=1)
        for call in (store.check, lambda: store.get_object(POST_KEY), lambda: store.exists(POST_KEY),
                     lambda: store.delete_object(POST_KEY), lambda: list(store.list_objects("post/")),
                     lambda: store.put_object(POST_KEY, b"x", "image/jpeg")):
            with pytest.raises(StorageUnavailable):
                call()


class socket_closed_port:
    """A port on 127.0.0.1 that nothing listens on (bound, never listening)."""

    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        return self.sock.getsockname()[1]

    def __exit__(self, *exc):
        self.sock.close()


def test_local_lists_no_half_written_temporary_files(tmp_path):
    root = tmp_path / "media"
    (root / "post").mkdir(parents=True)
    (root / "post" / ".tmp-abc").write_bytes(b"half written")
    os.utime(root / "post" / ".tmp-abc", (0, 0))
    assert list(LocalMediaStore(root).list_objects("post/")) == []


# --- capabilities: a cheap copy, and a direct URL instead of serving through the app -------------

COPY_KEY = "post/8-20250102T030405123456Z.jpg"


def test_copy_stores_the_same_bytes_under_a_second_key(store):
    store.put_object(POST_KEY, b"\xff\xd8original", "image/jpeg")
    store.copy(POST_KEY, COPY_KEY)
    assert store.get_object(COPY_KEY).read() == b"\xff\xd8original"
    assert store.get_object(COPY_KEY).content_type == "image/jpeg"
    # Each key lives on its own: deleting one leaves the other.
    store.delete_object(POST_KEY)
    assert store.get_object(COPY_KEY).read() == b"\xff\xd8original"
    assert not store.exists(POST_KEY)


def test_copy_of_a_missing_key_is_not_found(store):
    with pytest.raises(MediaNotFound):
        store.copy(POST_KEY, COPY_KEY)
    assert not store.exists(COPY_KEY)


def test_copy_replaces_a_leftover_under_the_target(store):
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


def test_no_redirect_unless_the_backend_offers_one(store):
    store.put_object(POST_KEY, b"x", "image/jpeg")
    assert store.redirect_url(POST_KEY) is None


def test_s3_redirect_of_a_missing_object_is_not_found(s3_server, s3_buckets):
    presigning = S3MediaStore(s3_server.endpoint_url, s3_buckets["post"], s3_buckets["profile"],
                              presigned_expires=60)
    with pytest.raises(MediaNotFound):
        presigning.redirect_url(POST_KEY)
