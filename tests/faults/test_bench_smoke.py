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
    assert pages["feed_page_1"]["statements"] <= 3
    assert results["explain"]["feed_90pct"]["list_feed_before"].startswith("Limit")


def test_profile_pages_measures_every_page_and_profiles_one(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bench.profile_pages", "--requests", "30", "--profile", "/",
                           "--out", str(tmp_path)], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    measured = dict(re.findall(r"^(hello \(bare Flask\)|feed|post page|profile)\s+(\d+)$", proc.stdout, re.M))
    assert set(measured) == {"hello (bare Flask)", "feed", "post page", "profile"}, proc.stdout
    assert all(int(us) > 0 for us in measured.values())
    # The profile is of the feed view itself, not of an error page.
    assert "posts/routes.py" in proc.stdout and "(feed)" in proc.stdout
