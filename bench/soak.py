"""Soak test: real app processes under concurrent sign-ups, likes, uploads and reads, then invariants.

    python -m bench.soak --duration 120 --concurrency 16 --servers 2 --workers 2

Without --database-url a throwaway PostgreSQL is started (the test suite's helper); with one, the
soak writes users and posts into that database, so give it a scratch database. --backend s3 stores
media in S3 (S3_ENDPOINT_URL and AWS_* from the environment, else a throwaway SeaweedFS). Prints a table of
requests, errors and latency per operation, then the invariants it checked; exits 1 if any failed.
"""

import argparse
import html
import io
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from PIL import Image
from psycopg.rows import dict_row

from bench.soak_http import Browser
from bench.soak_servers import AppServer, rss_kib
from photoshare.data.migrate import upgrade
from photoshare.media.factory import create_store
from photoshare.media.stored_images import image_keys
from photoshare.services.media_gc import collect_garbage

ROOT = Path(__file__).resolve().parent.parent

PASSWORD = "soak password 123"  # noqa: S105 - throwaway accounts in a scratch database
# Statuses each operation may answer with; anything else is an error, any 5xx is a failure.
EXPECTED = {
    "sign-up": {302, 400},
    "like": {200},
    "unlike": {200},
    "feed": {200},
    "image": {200, 404},  # 404: the post was deleted between the feed and the image request
    "post page": {200, 404},
    "upload post": {302},
    "delete post": {302},
    "profile picture": {302},
}


@dataclass
class SoakOptions:
    duration: float = 60.0
    concurrency: int = 8
    servers: int = 2
    workers: int = 2
    threads: int = 4
    seed: int = 1
    database_url: str | None = None
    media_backend: str = "local"
    media_root: str | None = None
    extra_env: dict = field(default_factory=dict)
    max_rss_growth_mb: float = 48.0


@dataclass
class Report:
    samples: dict = field(default_factory=lambda: defaultdict(list))  # op -> [(status, seconds)]
    invariants: list = field(default_factory=list)  # (name, ok, detail)
    examples: dict = field(default_factory=dict)  # (op, status) -> start of the first such body
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, op: str, status: int, seconds: float) -> None:
        with self.lock:
            self.samples[op].append((status, seconds))

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.invariants.append((name, ok, detail))

    @property
    def server_errors(self) -> int:
        return sum(1 for rows in self.samples.values() for status, _ in rows if status >= 500)

    @property
    def unexpected(self) -> int:
        return sum(1 for op, rows in self.samples.items() for status, _ in rows if status not in EXPECTED[op])

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.invariants)

    def table(self) -> str:
        lines = [f"{'operation':<16}{'requests':>9}{'errors':>8}{'5xx':>6}{'p50 ms':>9}{'p99 ms':>9}"]
        for op in EXPECTED:
            rows = self.samples.get(op, [])
            if not rows:
                continue
            times = sorted(seconds * 1000 for _, seconds in rows)
            p50 = statistics.median(times)
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            errors = sum(1 for status, _ in rows if status not in EXPECTED[op])
            fives = sum(1 for status, _ in rows if status >= 500)
            lines.append(f"{op:<16}{len(rows):>9}{errors:>8}{fives:>6}{p50:>9.1f}{p99:>9.1f}")
        total = sum(len(rows) for rows in self.samples.values())
        lines.append(f"{'total':<16}{total:>9}{self.unexpected:>8}{self.server_errors:>6}")
        for (op, status), body in self.examples.items():
            lines.append(f"first unexpected {op} {status}: {' '.join(body.split())[:300]}")
        lines.append("")
        lines.append(f"{'invariant':<58}result")
        for name, ok, detail in self.invariants:
            lines.append(f"{name:<58}{'ok' if ok else 'FAILED'}  {detail}")
        return "\n".join(lines)


def _images(rng: random.Random, count: int = 6) -> list[tuple[bytes, str, str]]:
    out = []
    for i in range(count):
        fmt, ext, ctype = (("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"))[i % 2]
        img = Image.new("RGB", (rng.randint(120, 900), rng.randint(120, 700)),
                        tuple(rng.randrange(256) for _ in range(3)))
        buf = io.BytesIO()
        img.save(buf, fmt)
        out.append((buf.getvalue(), f"photo.{ext}", ctype))
    return out


def _timed(report: Report, op: str, call, *args, **kwargs):
    response = call(*args, **kwargs)
    report.record(op, response.status, response.elapsed)
    if response.status not in EXPECTED[op]:
        report.examples.setdefault((op, response.status), response.text[:2000])
    return response


def sign_ups(report: Report, urls: list[str], names: int, collide: int, concurrency: int,
             rng: random.Random) -> dict[str, Browser]:
    """Register `names` usernames, each tried by `collide` browsers at once; returns the winners' browsers."""
    attempts = [(name, k) for name in (f"soak{rng.randrange(10**6)}_{i}" for i in range(names))
                for k in range(collide)]
    rng.shuffle(attempts)
    winners: dict[str, list[Browser]] = defaultdict(list)

    def attempt(job):
        name, k = job
        browser = Browser(urls[k % len(urls)])
        response = _timed(report, "sign-up", browser.register, name, PASSWORD)
        if response.status == 302:
            with report.lock:
                winners[name].append(browser)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(attempt, attempts))
    report.check("each colliding username registered exactly once",
                 all(len(b) == 1 for b in winners.values()) and len(winners) == names,
                 f"{len(winners)}/{names} names, {len(attempts)} attempts")
    return {name: browsers[0] for name, browsers in winners.items()}


def _worker(report: Report, browser: Browser, hot_post: int, images, deadline: float, seed: int,
            my_posts: list[int]) -> None:
    rng = random.Random(seed)
    token = browser.csrf_token("/")
    liked = False
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.40:
            op = "unlike" if liked else "like"
            r = _timed(report, op, browser.post, f"/posts/{hot_post}/{op}", {"csrf_token": token},
                       headers={"Accept": "application/json"})
            if r.status == 200:
                liked = b'"liked":true' in r.body.replace(b" ", b"")
        elif roll < 0.70:
            r = _timed(report, "feed", browser.get, "/")
            sources = _image_urls(r.text)
            for src in rng.sample(sources, k=min(2, len(sources))):
                _timed(report, "image", browser.get, src)
        elif roll < 0.80:
            _timed(report, "post page", browser.get, f"/posts/{hot_post}")
        elif roll < 0.90:
            data, name, ctype = rng.choice(images)
            r = _timed(report, "upload post", browser.post, "/posts/new",
                       {"csrf_token": token, "caption": f"soak {rng.random()}"}, files=[("image", data, name, ctype)])
            if r.status == 302 and r.location:
                my_posts.append(int(r.location.rsplit("/", 1)[1]))
        elif roll < 0.95 and my_posts:
            post_id = my_posts.pop(rng.randrange(len(my_posts)))
            _timed(report, "delete post", browser.post, f"/posts/{post_id}/delete", {"csrf_token": token})
        else:
            data, name, ctype = rng.choice(images)
            _timed(report, "profile picture", browser.post, "/settings/profile",
                   {"csrf_token": token, "upload": "Save"}, files=[("image", data, name, ctype)])


def _image_urls(page: str) -> list[str]:
    # Signed URLs: the attribute's "&amp;" is "&" in the URL.
    return sorted({html.unescape(src) for src in re.findall(r'src="(/media/[^"]+)"', page)})


def _worker_rss(servers: list[AppServer]) -> dict[int, int]:
    out = {}
    for server in servers:
        for pid in server.worker_pids():
            try:
                out[pid] = rss_kib(pid)
            except OSError:
                pass
    return out


def check_invariants(report: Report, database_url: str, store_config: dict) -> None:
    """Database and store checks a DBA and an operator would run after the load."""
    report.check("zero 5xx responses", report.server_errors == 0, f"{report.server_errors} seen")
    report.check("no unexpected status", report.unexpected == 0, f"{report.unexpected} seen")
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        # post_view's like_count is the row plus the changes still waiting in post_counter_delta.
        wrong = conn.execute("""
            SELECT p.id, p.like_count, count(l.id) AS rows
            FROM post_view p LEFT JOIN like_post l ON l.post_id = p.id
            GROUP BY p.id, p.like_count HAVING p.like_count <> count(l.id)""").fetchall()
        posts = conn.execute("SELECT count(*) AS n, coalesce(sum(like_count), 0) AS likes FROM post_view").fetchone()
        report.check("post_view.like_count = rows in like_post, every post", not wrong,
                     f"{posts['n']} posts, {posts['likes']} likes" + (f"; wrong: {wrong[:3]}" if wrong else ""))
        referenced = {r["key"] for r in conn.execute(
            "SELECT image AS key FROM posts UNION ALL SELECT image FROM profile WHERE image IS NOT NULL")}
        dupes = conn.execute("SELECT lower(username) FROM users GROUP BY 1 HAVING count(*) > 1").fetchall()
        report.check("usernames unique in any case", not dupes, f"{len(dupes)} duplicated")
    store = create_store(store_config)
    wanted = {k for key in referenced for k in image_keys(key)}
    missing = [k for k in wanted if not store.exists(k)]
    report.check("every posts.image / profile.image key is in the store", not missing,
                 f"{len(referenced)} keys, {len(wanted)} objects" + (f"; missing {missing[:3]}" if missing else ""))
    stored = {o.key for prefix in ("post/", "profile/") for o in store.list_objects(prefix)}
    orphans = stored - wanted
    # No fault was injected, so even before media gc every deleted image should be gone.
    report.check("no unreferenced object before media gc", not orphans,
                 f"{len(stored)} stored" + (f"; orphans {sorted(orphans)[:3]}" if orphans else ""))
    with psycopg.connect(database_url, row_factory=dict_row, autocommit=True) as conn:
        collected = collect_garbage(store, conn, grace_seconds=0, apply=True, echo=lambda _line: None)
    left = {o.key for prefix in ("post/", "profile/") for o in store.list_objects(prefix)} - wanted
    still_there = [k for k in wanted if not store.exists(k)]
    report.check("after media gc: no orphan, nothing referenced lost", not left and not still_there,
                 f"gc removed {collected}")


def run_soak(options: SoakOptions) -> Report:
    """Start the servers, run the load, check the invariants; the caller owns the database."""
    rng = random.Random(options.seed)
    report = Report()
    media_root = options.media_root or tempfile.mkdtemp(prefix="photoshare-soak-media-")
    store_config = {"MEDIA_BACKEND": options.media_backend, "MEDIA_ROOT": media_root, **options.extra_env}
    env = {"DATABASE_URL": options.database_url, "MEDIA_BACKEND": options.media_backend, "MEDIA_ROOT": media_root,
           "SECRET_KEY": f"soak-{rng.random()}", "DB_POOL_MAX_SIZE": str(options.threads + 2),
           # A load test, not an abuse test: no account's uploads are refused for their number.
           "UPLOAD_LIMIT": "1000000", "STORAGE_QUOTA_MB": "0",
           **{k: str(v) for k, v in options.extra_env.items()}}
    servers: list[AppServer] = []
    try:
        for _ in range(options.servers):
            servers.append(AppServer(env, workers=options.workers, threads=options.threads))
        urls = [s.url for s in servers]
        users = sign_ups(report, urls, names=max(4, options.concurrency * 2), collide=3,
                         concurrency=options.concurrency, rng=rng)
        browsers = list(users.values())
        images = _images(rng)
        owner = browsers[0]
        data, name, ctype = images[0]
        hot = owner.post("/posts/new", {"csrf_token": owner.csrf_token("/posts/new"), "caption": "the hot post"},
                         files=[("image", data, name, ctype)])
        assert hot.status == 302, hot.text[:300]
        hot_post = int(hot.location.rsplit("/", 1)[1])

        started = time.monotonic()
        deadline = started + options.duration
        rss: list[tuple[float, dict[int, int]]] = []
        stop = threading.Event()

        def sample_memory():
            while not stop.wait(0.5):
                rss.append((time.monotonic() - started, _worker_rss(servers)))

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        with ThreadPoolExecutor(options.concurrency) as pool:
            futures = [pool.submit(_worker, report, browsers[i % len(browsers)].on(urls[i % len(urls)]), hot_post,
                                   images, deadline, options.seed * 1000 + i, []) for i in range(options.concurrency)]
            for f in futures:
                f.result()
        stop.set()
        sampler.join(timeout=5)
        _check_memory(report, rss, options)
        check_invariants(report, options.database_url, store_config)
    finally:
        for server in servers:
            server.stop()
    return report


def _check_memory(report: Report, rss: list, options: SoakOptions) -> None:
    """Worker RSS after warm-up (the first quarter) against the end of the run."""
    warm = [s for t, s in rss if t >= options.duration * 0.25]
    if len(warm) < 2:
        report.check("worker memory flat after warm-up", False, "too few samples")
        return
    first, last = warm[0], warm[-1]
    growth = {pid: (last[pid] - first[pid]) / 1024 for pid in first if pid in last}
    worst = max(growth.values(), default=0.0)
    report.check("worker memory flat after warm-up", bool(growth) and worst <= options.max_rss_growth_mb,
                 f"max growth {worst:+.1f} MiB over {len(growth)} workers (limit {options.max_rss_growth_mb:g})")


def _s3_settings(options: SoakOptions):
    """Point the soak at S3: the environment's endpoint, or a throwaway SeaweedFS (returned, to stop)."""
    import os
    import uuid

    tag = uuid.uuid4().hex[:8]
    options.extra_env.update({"S3_POST_BUCKET": f"soak-{tag}-post", "S3_PROFILE_BUCKET": f"soak-{tag}-profile"})
    if os.environ.get("S3_ENDPOINT_URL"):
        options.extra_env["S3_ENDPOINT_URL"] = os.environ["S3_ENDPOINT_URL"]
        return None
    from tests.support.s3_server import SeaweedS3

    server = SeaweedS3(Path(tempfile.mkdtemp(prefix="photoshare-soak-s3-")))
    os.environ.update({"AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key,
                       "AWS_DEFAULT_REGION": "us-east-1"})
    server.start()
    options.extra_env["S3_ENDPOINT_URL"] = server.endpoint_url
    return server


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60, help="seconds of mixed load (default 60)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent users (default 8)")
    parser.add_argument("--servers", type=int, default=2, help="app processes on different ports (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="a scratch database (default: a throwaway PostgreSQL)")
    parser.add_argument("--max-rss-growth-mb", type=float, default=48.0)
    parser.add_argument("--backend", choices=("local", "s3"), default="local",
                        help="media store; s3 uses S3_ENDPOINT_URL and AWS_* from the environment, "
                             "or starts a throwaway SeaweedFS when S3_ENDPOINT_URL is unset")
    args = parser.parse_args(argv)
    options = SoakOptions(duration=args.duration, concurrency=args.concurrency, servers=args.servers,
                          workers=args.workers, threads=args.threads, seed=args.seed,
                          database_url=args.database_url, max_rss_growth_mb=args.max_rss_growth_mb,
                          media_backend=args.backend)
    server = s3 = None
    if options.database_url is None:
        from tests.support.postgres_server import start_postgresql

        server = start_postgresql()
        options.database_url = server.url()
    try:
        if args.backend == "s3":
            s3 = _s3_settings(options)
        upgrade(options.database_url, log=lambda _msg: None)
        report = run_soak(options)
    finally:
        if s3 is not None:
            s3.stop()
        if server is not None:
            from tests.support.postgres_server import stop_postgresql

            stop_postgresql(server)
    print(report.table())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
