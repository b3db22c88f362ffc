"""The benchmark's small scale, end to end: it must finish and keep every page to a few statements."""

import json
import re
import shutil
import subprocess
import sys

from bench.run import STATEMENT_BUDGET
from photoshare.config import PROJECT_ROOT


def test_bench_small_scale_runs_and_counts_statements(tmp_path):
    assert shutil.which("wrk"), "the benchmark needs wrk (apt-get install wrk)"
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--scale", "small", "--duration", "2",
                           "--out", str(tmp_path)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((tmp_path / "results.json").read_text())
    pages = results["pages"]
    assert set(pages) == set(STATEMENT_BUDGET)
    for name, page in pages.items():
        # Timings vary by machine; what must hold is that every page answered and stayed within its budget.
        assert page["bad_responses"] == 0, (name, page)
        assert page["requests"] > 0, (name, page)
        assert page["statements"] <= STATEMENT_BUDGET[name], (name, page["queries"])
    assert pages["explore_page_1"]["statements"] <= 3
    assert results["explain"]["explore_90pct"]["list_feed_before"].startswith("Limit")
    # The three home feed viewers: few follows, many follows, a follower of a pull account.
    viewers = results["data"]["home_viewers"]
    assert viewers["follows_3"]["following_count"] <= 5 < viewers["follows_2000"]["following_count"]
    assert results["data"]["most_followed"]["feed_mode"] == "pull"
    for who in viewers:
        assert "list_home_feed_before" in results["explain"][f"home_{who}_90pct"]
    # Publishing: every follower of the push account got the post; the pull account's post is read.
    publish = results["publish"]
    assert publish["most_followed_push"]["timeline_copies_of_last"] == publish["most_followed_push"]["followers"] > 0
    assert publish["most_followed"]["timeline_copies_of_last"] == 0
    assert publish["no_followers"]["followers"] < publish["most_followed_push"]["followers"]


def test_profile_pages_measures_every_page_and_profiles_one(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench.profile_pages", "--requests", "30", "--profile", "/",
                           "--out", str(tmp_path)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    measured = dict(re.findall(r"^(hello \(bare Flask\)|feed|post page|profile)\s+(\d+)$", proc.stdout, re.M))
    assert set(measured) == {"hello (bare Flask)", "feed", "post page", "profile"}, proc.stdout
    assert all(int(us) > 0 for us in measured.values())
    # The profile is of the feed view itself, not of an error page.
    assert "posts/routes.py" in proc.stdout and "(feed)" in proc.stdout
