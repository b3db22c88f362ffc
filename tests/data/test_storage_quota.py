"""The storage quota: the bytes an account keeps are counted by the database, match what the store
holds, and two uploads at once cannot both take the last of the quota."""

import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from photoshare.errors import QuotaExceeded
from photoshare.media.images import process_image
from photoshare.media.local import LocalMediaStore
from photoshare.services import accounts
from photoshare.services.posts import delete_post, publish_post
from photoshare.services.profiles import remove_profile_image, replace_profile_image
from tests.support.actions import PASSWORD, stored_files
from tests.support.images import landscape


@pytest.fixture
def store(tmp_path) -> LocalMediaStore:
    return LocalMediaStore(tmp_path / "media")


@pytest.fixture
def alice(conn):
    return accounts.register_account(conn, "alice", "alice@example.com", PASSWORD)


def stored_bytes(db, user_id: int) -> int:
    """The account's bytes as the database counts them (row plus waiting deltas)."""
    return db.execute("""SELECT pr.stored_bytes + (SELECT coalesce(sum(stored_bytes), 0) FROM profile_counter_delta d
                                                   WHERE d.user_id = pr.user_id) AS n
                         FROM profile pr WHERE pr.user_id = %s""", (user_id,)).fetchone()["n"]


def bytes_in_store(tmp_path) -> int:
    return sum((tmp_path / "media" / key).stat().st_size for key in stored_files(tmp_path / "media"))


def test_the_count_is_what_the_store_holds(conn, db, store, alice, tmp_path):
    first = publish_post(conn, store, alice.id, process_image(landscape(1), "post"))
    publish_post(conn, store, alice.id, process_image(landscape(2), "post"))
    replace_profile_image(conn, store, alice.id, "alice", process_image(landscape(3, (600, 600)), "profile"))
    assert stored_bytes(db, alice.id) == bytes_in_store(tmp_path) > 0
    replace_profile_image(conn, store, alice.id, "alice", process_image(landscape(4, (900, 900)), "profile"))
    delete_post(conn, store, first, alice.id)
    assert stored_bytes(db, alice.id) == bytes_in_store(tmp_path) > 0
    remove_profile_image(conn, store, alice.id)
    assert stored_bytes(db, alice.id) == bytes_in_store(tmp_path) > 0


def test_an_upload_over_the_quota_stores_nothing(conn, db, store, alice, tmp_path):
    image = process_image(landscape(1), "post")
    quota = image.stored_bytes * 2 + 10
    publish_post(conn, store, alice.id, image, quota_bytes=quota)
    publish_post(conn, store, alice.id, image, quota_bytes=quota)
    held = stored_files(tmp_path / "media")
    with pytest.raises(QuotaExceeded, match="Delete some posts to make room"):
        publish_post(conn, store, alice.id, image, quota_bytes=quota)
    assert stored_files(tmp_path / "media") == held
    assert db.execute("SELECT count(*) AS n FROM posts").fetchone()["n"] == 2
    # A new picture counts in place of the old one.
    avatar = process_image(landscape(2, (300, 300)), "profile")
    with pytest.raises(QuotaExceeded):
        replace_profile_image(conn, store, alice.id, "alice", avatar, quota_bytes=quota)
    replace_profile_image(conn, store, alice.id, "alice", avatar, quota_bytes=quota + avatar.stored_bytes)
    replace_profile_image(conn, store, alice.id, "alice", avatar, quota_bytes=quota + avatar.stored_bytes)


def test_parallel_uploads_cannot_both_take_the_last_of_the_quota(database_url, db, store, alice, tmp_path):
    image = process_image(landscape(1), "post")
    quota = image.stored_bytes * 3 + 10
    start = threading.Barrier(8)

    def upload(_):
        with psycopg.connect(database_url, autocommit=True) as conn:
            start.wait()
            try:
                publish_post(conn, store, alice.id, image, quota_bytes=quota)
            except QuotaExceeded:
                return False
            return True

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(upload, range(8))) == 3
    assert stored_bytes(db, alice.id) == bytes_in_store(tmp_path) <= quota
