"""Rate limits in PostgreSQL: a burst of N, then one every window / N; exact under parallel takes,
since counting and checking are one statement."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg

from photoshare.errors import DecoderBusy
from photoshare.media.decode_slots import DecodeSlots
from photoshare.services.rate_limits import Rate, take


def test_a_burst_then_one_per_interval(conn, db):
    rate = Rate(3, 3.0)  # one more every second
    assert [take(conn, "upload", "1", rate) for _ in range(3)] == [None, None, None]
    wait = take(conn, "upload", "1", rate)
    assert wait == 1
    # Another subject, and another scope, have their own allowance.
    assert take(conn, "upload", "2", rate) is None
    assert take(conn, "sign-up", "1", rate) is None
    time.sleep(1.1)
    assert take(conn, "upload", "1", rate) is None
    assert take(conn, "upload", "1", rate) is not None


def test_a_refusal_counts_nothing(conn, db):
    rate = Rate(2, 3600.0)
    take(conn, "upload", "1", rate)
    take(conn, "upload", "1", rate)
    before = db.execute("SELECT refilled_at FROM rate_limit").fetchone()["refilled_at"]
    assert take(conn, "upload", "1", rate) == 1800
    assert take(conn, "upload", "1", rate) == 1800
    assert db.execute("SELECT refilled_at FROM rate_limit").fetchone()["refilled_at"] == before


def test_parallel_takes_never_exceed_the_allowance(database_url, db):
    rate = Rate(10, 3600.0)
    start = threading.Barrier(40)

    def attempt(_):
        with psycopg.connect(database_url, autocommit=True) as conn:
            start.wait()
            return take(conn, "upload", "42", rate)

    with ThreadPoolExecutor(40) as pool:
        results = list(pool.map(attempt, range(40)))
    assert results.count(None) == 10


def test_rows_whose_allowance_is_whole_again_are_pruned(conn, db):
    take(conn, "upload", "old", Rate(100, 0.01))
    time.sleep(0.05)
    tight = Rate(1, 60.0)
    take(conn, "upload", "busy", tight)
    assert take(conn, "upload", "busy", tight) is not None  # a refusal prunes
    assert [r["subject"] for r in db.execute("SELECT subject FROM rate_limit")] == ["busy"]


def test_decode_slots_bound_concurrent_decodes_and_time_out_cleanly():
    slots = DecodeSlots(2, wait_seconds=0.2)
    held = threading.Event()
    release = threading.Event()

    def hold():
        with slots.slot():
            held.set()
            release.wait(5)

    with ThreadPoolExecutor(2) as pool:
        pool.submit(hold)
        with slots.slot():
            assert held.wait(5)
            started = time.monotonic()
            try:
                with slots.slot():
                    raise AssertionError("a third decode ran")
            except DecoderBusy as exc:
                assert exc.status == 503 and exc.retry_after == 1
            assert 0.15 < time.monotonic() - started < 1.0
        release.set()
    with slots.slot():
        pass  # every slot came back
