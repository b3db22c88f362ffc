"""/healthz reports the local media store as down when its folder cannot be used."""

import pytest


@pytest.fixture
def app_config(app_config, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where MEDIA_ROOT's parent should be")
    return {**app_config, "MEDIA_ROOT": str(blocker / "media")}


def test_healthz_is_503_when_the_media_folder_is_unusable(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"database": "ok", "storage": "down"}
