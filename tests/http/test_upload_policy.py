"""What an upload may cost: the account's upload rate, its storage quota, the decode memory of one
image and this process's decode slots; and an upload whose account is deleted meanwhile. Each
refusal is the form again with a message, the right status, and nothing stored."""

from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from photoshare.repositories import UserRepository
from tests.support import images as f
from tests.support.actions import (
    AuthActions,
    post_images,
    running_app,
    stored_files,
    upload_post,
    upload_profile_picture,
    user_id,
    wait_until_blocked,
)


@pytest.fixture
def app_config(app_config):
    return {**app_config, "UPLOAD_LIMIT": 3, "UPLOAD_WINDOW_SECONDS": 3600, "DECODE_WAIT_SECONDS": 0.2}


def messages(response) -> str:
    return response.get_data(as_text=True)


def test_the_upload_rate_is_per_account_and_shared_by_both_forms(logged_in, another_client, db, media_root):
    assert upload_post(logged_in, f.image_bytes()).status_code == 302
    assert upload_profile_picture(logged_in, f.image_bytes("JPEG")).status_code == 302
    assert upload_post(logged_in, f.image_bytes()).status_code == 302
    held = stored_files(media_root)
    refused = upload_post(logged_in, f.image_bytes())
    assert refused.status_code == 429
    assert 1100 <= int(refused.headers["Retry-After"]) <= 1200  # a third of the hour
    assert "You have uploaded 3 photos in a short time. Please wait 20 minutes" in messages(refused)
    assert upload_profile_picture(logged_in, f.image_bytes("JPEG")).status_code == 429
    assert stored_files(media_root) == held and len(post_images(db)) == 2
    # bob has his own allowance.
    assert upload_post(another_client, f.image_bytes()).status_code == 302


def test_an_image_too_costly_to_decode_is_refused_with_what_would_fit(logged_in, db, media_root):
    response = upload_post(logged_in, f.png_16bit((7000, 7000), 6), filename="huge.png")
    assert response.status_code == 400
    assert "too large to process (7000 x 7000 pixels in RGBA mode)" in messages(response)
    assert post_images(db) == [] and stored_files(media_root) == set()


def test_when_every_decode_slot_stays_busy_the_upload_is_a_503_to_retry(app, logged_in, db, media_root):
    with app.extensions["decode_slots"].slot():  # the one slot of this process, busy
        response = upload_post(logged_in, f.image_bytes())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "processing many photos right now" in messages(response)
    assert post_images(db) == [] and stored_files(media_root) == set()
    assert upload_post(logged_in, f.image_bytes()).status_code == 302


def test_over_the_quota_is_a_413_with_the_usage(app_config, db, media_root):
    with running_app({**app_config, "STORAGE_QUOTA_MB": 1}) as app:
        client = app.test_client()
        AuthActions(client).register("alice")
        noisy = f.noisy_jpeg((2048, 1536), quality=95)  # stored at well over half a megabyte
        assert upload_post(client, noisy).status_code == 302
        held = stored_files(media_root)
        response = upload_post(client, noisy)
        assert response.status_code == 413
        assert "of the 1 MB an account may keep" in messages(response)
        assert stored_files(media_root) == held and len(post_images(db)) == 1
        used = db.execute("SELECT stored_bytes FROM profile").fetchone()["stored_bytes"]
        settings = messages(client.get("/settings/profile"))
        assert f"Your photos take {used / 1048576:,.1f} MB of the\n    1 MB an account may keep." in settings


def test_an_upload_racing_its_accounts_deletion_is_a_clean_403_and_keeps_nothing(app, logged_in, db, database_url,
                                                                                 media_root):
    alice = user_id(db, "alice")
    with psycopg.connect(database_url, autocommit=True) as deleting, ThreadPoolExecutor(1) as pool:
        with deleting.transaction():
            users = UserRepository(deleting)
            users.lock_for_deletion(alice)  # the deletion, from another tab, has begun
            racing = pool.submit(upload_post, logged_in, f.image_bytes())
            wait_until_blocked(db)
            users.delete(alice)
        response = racing.result(timeout=10)
    assert response.status_code == 403
    assert "This account has been deleted, so nothing was saved." in messages(response)
    assert stored_files(media_root) == set() and post_images(db) == []
    assert logged_in.get("/").status_code == 302  # the session ended with the account


def test_a_picture_upload_racing_the_deletion_keeps_nothing_either(app, logged_in, db, database_url, media_root):
    alice = user_id(db, "alice")
    with psycopg.connect(database_url, autocommit=True) as deleting, ThreadPoolExecutor(1) as pool:
        with deleting.transaction():
            users = UserRepository(deleting)
            users.lock_for_deletion(alice)
            racing = pool.submit(upload_profile_picture, logged_in, f.image_bytes("JPEG"))
            wait_until_blocked(db)
            users.delete(alice)
        assert racing.result(timeout=10).status_code == 403
    assert stored_files(media_root) == set()
    assert db.execute("SELECT count(*) AS n FROM profile").fetchone()["n"] == 0
