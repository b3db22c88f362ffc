"""Eight costly uploads at once keep the workers' memory under the stated figure (SECURITY.md):
the 16-bit PNGs are refused from their header, the largest accepted ones decode one at a time per
process. Before MAX_DECODE_MB, one such PNG took 450 MB of its worker."""

from bench.upload_memory import UPLOAD_MEMORY_LIMIT_MB, measure


def test_eight_costly_uploads_at_once_stay_under_the_stated_memory(database_url, db):
    result = measure(database_url, workers=2, threads=4)
    assert result["statuses"] == [400, 302] * 4
    assert result["peak_mib"] < UPLOAD_MEMORY_LIMIT_MB, result
