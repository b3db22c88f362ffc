"""media gc: unreferenced objects older than the grace period go; referenced ones and young ones stay."""

from datetime import UTC, datetime, timedelta

import pytest

from photoshare.media.factory import get_store
from photoshare.media.keys import rendition_key
from photoshare.services.media_gc import collect_garbage, find_orphans
from tests.support import images as f
from tests.support.actions import (
    app_config,  # noqa: F401 - the fixture: every test here runs on both backends
    expected_keys,
    media_url,
    post_images,
    profile_image,
    stored_keys,
    upload_post,
    upload_profile_picture,
)

ORPHAN_POST = "post/424242-20240101T000000000000Z.jpg"
ORPHAN_PROFILE = "profile/ghost-20240101T000000000000Z.png"


@pytest.fixture
def media(app, logged_in, db):
    """Two referenced images (a post, a profile picture) and a set of orphans in the store."""
    assert upload_post(logged_in, f.jpeg()).status_code == 302
    assert upload_profile_picture(logged_in, f.jpeg()).status_code == 302
    post_key, profile_key = post_images(db)[0], profile_image(db, "alice")
    orphans = [ORPHAN_POST, rendition_key(ORPHAN_POST, 640), ORPHAN_PROFILE,
               # A rendition of a width the pipeline no longer makes, beside a live image.
               rendition_key(post_key, 320)]
    with app.app_context():
        store = get_store()
        for key in orphans:
            store.put_object(key, b"orphan", "image/jpeg")
    return {"referenced": expected_keys(post_key, profile_key), "orphans": set(orphans)}


LATER = datetime.now(UTC) + timedelta(hours=2)


def test_dry_run_lists_orphans_and_deletes_nothing(app, db, media):
    lines = []
    with app.app_context():
        count = collect_garbage(get_store(), db, grace_seconds=3600, apply=False, echo=lines.append, now=LATER)
    assert count == len(media["orphans"])
    assert {line.split()[2] for line in lines} == media["orphans"]
    assert all(line.startswith("would delete ") for line in lines)
    assert stored_keys(app) == media["referenced"] | media["orphans"]


def test_apply_deletes_only_orphans(app, db, media):
    lines = []
    with app.app_context():
        count = collect_garbage(get_store(), db, grace_seconds=3600, apply=True, echo=lines.append, now=LATER)
    assert count == len(media["orphans"])
    assert all(line.startswith("deleted ") for line in lines)
    assert stored_keys(app) == media["referenced"]
    # The pages still show every image.
    client = app.test_client()
    for key in media["referenced"]:
        assert client.get(media_url(app, key)).status_code == 200


def test_young_objects_are_left_alone(app, db, media):
    with app.app_context():
        assert list(find_orphans(get_store(), db, grace_seconds=3600)) == []


def test_small_batches_give_the_same_answer(app, db, media):
    with app.app_context():
        found = {obj.key for obj in find_orphans(get_store(), db, grace_seconds=0, now=LATER, batch_size=2)}
    assert found == media["orphans"]


def test_cli_dry_run_then_apply(app, media):
    runner = app.test_cli_runner()
    young = runner.invoke(args=["media", "gc"])
    assert young.exit_code == 0, young.output
    assert "0 unreferenced object(s) older than 3600 s" in young.output

    dry = runner.invoke(args=["media", "gc", "--grace-seconds", "0"])
    assert dry.exit_code == 0, dry.output
    for key in media["orphans"]:
        assert f"would delete {key}" in dry.output
    assert f"{len(media['orphans'])} unreferenced object(s)" in dry.output and "--apply" in dry.output
    assert stored_keys(app) == media["referenced"] | media["orphans"]

    applied = runner.invoke(args=["media", "gc", "--grace-seconds", "0", "--apply"])
    assert applied.exit_code == 0, applied.output
    assert f"{len(media['orphans'])} unreferenced object(s) older than 0 s deleted." in applied.output
    assert stored_keys(app) == media["referenced"]


def test_cli_refuses_a_negative_grace(app):
    result = app.test_cli_runner().invoke(args=["media", "gc", "--grace-seconds", "-5"])
    assert result.exit_code != 0
    assert "grace-seconds" in result.output
