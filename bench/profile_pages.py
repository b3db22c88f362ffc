"""CPU per request of each page inside one process, and an optional cProfile of one of them.

    python -m bench.profile_pages                       # a throwaway small database
    python -m bench.profile_pages --scale large --reuse # the benchmark's kept database
    python -m bench.profile_pages --profile /           # then cProfile 500 feed requests

Calls the WSGI app directly with a logged-in session cookie (no HTTP, no gunicorn) and prints
the median CPU microseconds per request for a bare Flask "hello" and for the app's pages, so a
change to the request path can be measured in seconds, without wrk's noise. bench/run.py gives
the numbers under gunicorn; these are for finding where the time goes.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from bench import hello
from bench.run import SECRET_KEY, misspelled, prepare_database
from photoshare.data.queries import load
from photoshare.pagination import Cursor
from photoshare.services.seed import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent

bench_queries = load("bench")

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# The log-in and the measured requests come from one client: Flask-Login's session protection
# would otherwise mark the session on every request, and the cookie would be re-signed each time.
HEADERS = {"User-Agent": "profile_pages"}


def environ(path: str, cookie: str) -> dict:
    """A GET as gunicorn would hand it to the app."""
    route, _, query = path.partition("?")
    return {"REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
            "HTTP_HOST": "127.0.0.1:8000", "HTTP_COOKIE": cookie, "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": HEADERS["User-Agent"]}


def call(app, path: str, cookie: str = "") -> tuple[str, bytes]:
    """One request; returns the status line and the body."""
    status = []
    body = app(environ(path, cookie), lambda s, _headers, _exc=None: status.append(s))
    try:
        return status[0], b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()


def cpu_microseconds(app, path: str, cookie: str, requests: int) -> float:
    """Median process CPU time of one request, after a warm-up."""
    for _ in range(20):
        call(app, path, cookie)
    times = []
    for _ in range(requests):
        started = time.process_time_ns()
        call(app, path, cookie)
        times.append(time.process_time_ns() - started)
    return statistics.median(times) / 1000


def pages_of(db: psycopg.Connection) -> tuple[str, dict[str, str]]:
    """The account to log in as, and the pages to measure (name: path) on the seeded data."""
    viewer = bench_queries.bench_viewer(db)
    heaviest = bench_queries.bench_heaviest_author(db)
    post = bench_queries.bench_most_liked_post(db)
    commented = bench_queries.bench_most_commented_post(db)
    uncommented = bench_queries.bench_uncommented_post(db) or post
    tag = bench_queries.bench_popular_tag(db)
    deep = bench_queries.bench_tag_position(db, hashtag_id=tag["id"], offset=int(tag["post_count"] * 0.9))
    deep_cursor = Cursor.after(type("Row", (), deep)).encode()
    return viewer["username"], {"feed": "/", "post page": f"/posts/{post['id']}",
                                "profile": f"/u/{heaviest['username']}",
                                "post, 50 comments": f"/posts/{commented['id']}",
                                "post, no comments": f"/posts/{uncommented['id']}",
                                "explore": "/explore",
                                "tag page": f"/tags/{tag['name']}",
                                "tag page, 90 %": f"/tags/{tag['name']}?before={deep_cursor}",
                                "search, prefix": f"/search?q={viewer['username'][:3]}",
                                "search, misspelling": f"/search?q={misspelled(viewer['username'])}",
                                "search, a tag": f"/search?q=%23{tag['name'][:5]}"}


def log_in(app, username: str) -> str:
    """The session cookie after a real log-in and a first page (which stores the CSRF secret)."""
    client = app.test_client()
    token = CSRF_RE.search(client.get("/auth/login", headers=HEADERS).get_data(as_text=True))[1]
    response = client.post("/auth/login", headers=HEADERS, data={"login": username, "password": DEMO_PASSWORD,
                                                                 "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"log-in as {username} failed with {response.status_code}")
    client.get("/", headers=HEADERS)
    return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("small", "large"), default="small")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded server in bench/out/<scale>/")
    parser.add_argument("--database-url", help="use this seeded database instead of starting one")
    parser.add_argument("--out", type=Path, help="folder for the database and media (default bench/out/<scale>)")
    parser.add_argument("--requests", type=int, default=500, help="requests per page")
    parser.add_argument("--profile", metavar="PATH", help="then cProfile this page")
    args = parser.parse_args(argv)

    out = (args.out or ROOT / "bench" / "out" / args.scale).resolve()
    out.mkdir(parents=True, exist_ok=True)
    url, server = prepare_database(args, out)
    try:
        os.environ.update(DATABASE_URL=url, MEDIA_ROOT=str(out / "media"), SECRET_KEY=SECRET_KEY)
        from photoshare import create_app

        app = create_app()
        with psycopg.connect(url, autocommit=True, row_factory=dict_row) as db:
            viewer, pages = pages_of(db)
        cookie = log_in(app, viewer)
        print(f"{args.scale} scale, median CPU µs per request over {args.requests} requests, in one process")
        print(f"{'hello (bare Flask)':20} {cpu_microseconds(hello.app, '/', '', args.requests):8.0f}")
        for name, path in pages.items():
            status, _ = call(app, path, cookie)
            if not status.startswith("200"):
                raise RuntimeError(f"{path} answered {status}")
            print(f"{name:20} {cpu_microseconds(app, path, cookie, args.requests):8.0f}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                call(app, args.profile, cookie)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        app.extensions["db_pool"].close()
    finally:
        if server is not None:
            server.stop()
            if not args.reuse:
                shutil.rmtree(server._photoshare_base_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
