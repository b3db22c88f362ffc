"""The soak's CI variant: a short bounded run against real app processes; no 5xx, every invariant holds."""

import pytest

from bench.soak import SoakOptions, run_soak


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_short_soak_keeps_every_invariant(request, backend, database_url, db, tmp_path):
    extra = request.getfixturevalue("s3_settings") if backend == "s3" else {}
    options = SoakOptions(duration=8, concurrency=6, servers=2, workers=1, threads=4, seed=7,
                          database_url=database_url, media_backend=backend, media_root=str(tmp_path / "media"),
                          extra_env={**extra, "SIGNUP_LIMIT": "100000"})  # the soak signs up many from one address
    report = run_soak(options)
    print(report.table())
    assert report.server_errors == 0, report.table()
    assert report.unexpected == 0, report.table()
    failed = [(name, detail) for name, ok, detail in report.invariants if not ok]
    assert not failed, report.table()
    # The load really ran: every kind of operation happened, many times over (on a busy shared
    # machine eight seconds made about a hundred operations, on a quiet one several hundred).
    assert {"sign-up", "like", "unlike", "feed", "image", "upload post", "profile picture"} <= set(report.samples)
    assert sum(len(rows) for rows in report.samples.values()) > 60
