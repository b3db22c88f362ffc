"""Uploads racing their account's deletion: the upload finds no account and keeps nothing, or the
deletion waits for it and deletes what it stored. Either way no object of the account is left
readable afterwards, without waiting for `media gc`.

Each race is made deterministic by holding one side's locks in the test's own transaction while
the other side runs in a thread, then letting go.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from photoshare.errors import UserNotFound
from photoshare.media.images import process_image
from photoshare.media.keys import new_profile_key
from photoshare.media.local import LocalMediaStore
from photoshare.media.stored_images import put_image
from photoshare.repositories import ProfileRepository, UserRepository
from photoshare.services import accounts
from photoshare.services.posts import publish_post
from photoshare.services.profiles import replace_profile_image
from tests.support.actions import PASSWORD, stored_files, wait_until_blocked
from tests.support.images import image_bytes


@pytest.fixture
def store(tmp_path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


@pytest.fixture
def alice(conn):
    return accounts.register_account(conn, "alice", "alice@example.com", PASSWORD)


def _uploads(kind: str):
    image = process_image(image_bytes("PNG", (900, 700)), kind)
    return {
        "post": lambda conn, store, user: publish_post(conn, store, user.id, image),
        "profile": lambda conn, store, user: replace_profile_image(conn, store, user.id, user.username, image),
    }[kind]


@pytest.mark.parametrize("kind", ["post", "profile"])
def test_an_upload_reaching_a_deletion_in_progress_finds_no_account_and_keeps_nothing(
        kind, database_url, db, store, alice, tmp_path):
    upload = _uploads(kind)
    with psycopg.connect(database_url, autocommit=True) as deleting, \
            psycopg.connect(database_url, autocommit=True) as uploading, ThreadPoolExecutor(1) as pool:
        with deleting.transaction():
            users = UserRepository(deleting)
            users.lock_for_deletion(alice.id)
            # The upload stores its object, then waits for the profile row the deletion holds.
            racing = pool.submit(upload, uploading, store, alice)
            wait_until_blocked(db)
            assert stored_files(tmp_path / "media") != set()
            users.delete(alice.id)
        with pytest.raises(UserNotFound):
            racing.result(timeout=10)
    assert stored_files(tmp_path / "media") == set()
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 0


def test_a_deletion_reaching_a_picture_upload_in_progress_deletes_that_picture(
        database_url, db, store, alice, tmp_path):
    """The upload's transaction holds the profile row when the deletion starts: the deletion waits,
    then reads the keys, so the picture committed meanwhile goes with the account."""
    image = process_image(image_bytes("PNG", (400, 400)), "profile")
    key = new_profile_key(alice.username, image.ext)
    with psycopg.connect(database_url, autocommit=True) as uploading, \
            psycopg.connect(database_url, autocommit=True) as deleting, ThreadPoolExecutor(1) as pool:
        profiles = ProfileRepository(uploading)
        with uploading.transaction():
            # What replace_profile_image does, stopped between its lock and its commit.
            assert profiles.lock_storage(alice.id) is not None
            put_image(store, key, image)
            profiles.set_image(alice.id, key, image.stored_bytes)
            deletion = pool.submit(accounts.delete_account, deleting, store, alice.id)
            wait_until_blocked(db)
        deletion.result(timeout=10)
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0
    assert stored_files(tmp_path / "media") == set()


def test_many_uploads_racing_a_deletion_leave_nothing(database_url, db, store, alice, tmp_path):
    image = process_image(image_bytes("PNG", (640, 480)), "post")
    start = threading.Barrier(5)

    def upload() -> str:
        with psycopg.connect(database_url, autocommit=True) as conn:
            start.wait()
            try:
                publish_post(conn, store, alice.id, image)
            except UserNotFound:
                return "gone"
            return "posted"

    def delete() -> None:
        with psycopg.connect(database_url, autocommit=True) as conn:
            start.wait()
            time.sleep(0.01)
            accounts.delete_account(conn, store, alice.id)

    with ThreadPoolExecutor(5) as pool:
        uploads = [pool.submit(upload) for _ in range(4)]
        pool.submit(delete).result(timeout=30)
        assert {f.result(timeout=30) for f in uploads} <= {"gone", "posted"}
    assert db.execute("SELECT count(*) AS n FROM users").fetchone()["n"] == 0
    assert stored_files(tmp_path / "media") == set()
