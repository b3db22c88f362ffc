"""Worker memory while eight costly uploads arrive at once.

    python -m bench.upload_memory [--database-url URL] [--workers 2] [--threads 4]

Serves the app with gunicorn (default: two workers of four threads, so all eight requests are
inside the app at once) and sends, at the same moment, four 16-bit RGBA PNGs of 49 megapixels
(400 KB each: decoding one took 450 MB before MAX_DECODE_MB) and four 19-megapixel RGB PNGs, about
the largest the default budget accepts. It samples the resident memory of every worker every
20 ms and prints the peak of their sum, the statuses and the time taken. The suite runs it
(tests/faults/test_upload_memory.py) and holds the peak under UPLOAD_MEMORY_LIMIT_MB.
"""

import argparse
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

from bench.soak_http import Browser
from bench.soak_servers import AppServer, rss_kib
from tests.support import images

# The figure SECURITY.md states: two workers of four threads, eight such uploads at once.
UPLOAD_MEMORY_LIMIT_MB = 600
PASSWORD = "upload memory password"  # noqa: S105 - a throwaway account


def _sum_rss_kib(server: AppServer) -> int:
    total = 0
    for pid in server.worker_pids():
        try:
            total += rss_kib(pid)
        except OSError:
            pass
    return total


def measure(database_url: str, workers: int = 2, threads: int = 4, env: dict | None = None) -> dict:
    """Start the servers, send the eight uploads together, return the peak and the statuses."""
    hostile = images.png_16bit((7000, 7000), 6)
    largest = images.large_png((5000, 3800))
    with ExitStack() as stack:
        media = stack.enter_context(tempfile.TemporaryDirectory(prefix="photoshare-upload-memory-"))
        server = AppServer({"DATABASE_URL": database_url, "MEDIA_ROOT": media, "SECRET_KEY": "upload-memory",
                            "DB_POOL_MAX_SIZE": str(threads + 1), "DECODE_WAIT_SECONDS": "120",
                            **(env or {})}, workers=workers, threads=threads)
        stack.callback(server.stop)
        browser = Browser(server.url, timeout=180)
        name = f"mem{time.monotonic_ns() % 10**9}"
        assert browser.register(name, PASSWORD).status == 302
        token = browser.csrf_token("/posts/new")
        idle = _sum_rss_kib(server)
        peak, stop = [idle], threading.Event()

        def sample():
            while not stop.wait(0.02):
                peak.append(_sum_rss_kib(server))

        sampler = threading.Thread(target=sample, daemon=True)
        start = threading.Barrier(8)

        def upload(data: bytes):
            start.wait()
            return browser.post("/posts/new", {"csrf_token": token, "caption": ""},
                                files=[("image", data, "photo.png", "image/png")]).status

        sampler.start()
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(upload, [hostile, largest] * 4))
        seconds = time.monotonic() - started
        stop.set()
        sampler.join(timeout=5)
    return {"workers": workers, "threads": threads, "idle_mib": idle / 1024, "peak_mib": max(peak) / 1024,
            "statuses": statuses, "seconds": seconds}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a migrated database (default: a throwaway PostgreSQL)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        url = args.database_url
        if url is None:
            from tests.support.postgres_server import migrated_postgresql

            url = stack.enter_context(migrated_postgresql()).url()
        result = measure(url, args.workers, args.threads)
    print(f"{result['workers']} workers x {result['threads']} threads: worker memory "
          f"{result['idle_mib']:.0f} MiB idle, {result['peak_mib']:.0f} MiB at the peak of eight uploads "
          f"(limit {UPLOAD_MEMORY_LIMIT_MB} MB); statuses {result['statuses']} in {result['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
