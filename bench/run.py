"""The benchmark: seed (or reuse) a database, serve the app with gunicorn (and a job worker), drive it
with wrk, report.

    python -m bench.run --scale small            # a throwaway PostgreSQL, a minute or so
    python -m bench.run --scale large --reuse    # keeps the seeded server in bench/out/large/
    python -m bench.run --database-url postgresql://...   # an existing, migrated database

Prints a table and writes bench/out/<scale>/results.json.
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from photoshare.data.db import session_options
from photoshare.data.queries import load, queries
from photoshare.pagination import Cursor
from photoshare.services.search import RESULTS_MAX, prefix_end
from photoshare.services.seed import DEMO_PASSWORD
from photoshare.tokens import is_tag
from tests.support.children import ending_with_parent

ROOT = Path(__file__).resolve().parent.parent

bench_queries = load("bench")

SCALES = {
    "small": {"users": 1_000, "posts": 10_000, "likes": 100_000, "follows": 30_000, "images": 5},
    "large": {"users": 100_000, "posts": 1_000_000, "likes": 10_000_000, "follows": 5_000_000, "images": 50},
}
# FEED_PULL_THRESHOLD per scale: at the small scale no account could reach the default 10,000.
PULL_THRESHOLD = {"small": 300, "large": 10_000}
# pg_stat_statements counts each page's statements; wal_level=minimal lets the seed's COPY skip WAL.
PG_ARGS = ("-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=off "
           "-c wal_level=minimal -c max_wal_senders=0 -c shared_buffers=512MB -c max_wal_size=4GB")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
SECRET_KEY = "benchmark-only-secret-key"  # noqa: S105 - signs cookies of a throwaway server
# The most statements each page may run (the issue: a constant number, at most 3 for the feed).
# The app with the benchmark's logged-in baseline page (bench/app.py).
APP = "bench.app:app"
STATEMENT_BUDGET = {"logged_in_baseline": 1, "explore_page_1": 3, "explore_90pct": 3, "profile_heaviest": 3,
                    "post_most_liked": 3, "post_no_likes": 3, "post_50_comments": 3, "post_no_comments": 3,
                    "landing": 3, "settings_sessions": 3, "like_unlike": 8,
                    "follow_unfollow": 8, "comment_add": 3, "upload_12mp": 6,
                    "tag_popular_page_1": 3, "tag_popular_90pct": 3, "tag_rare": 3, "search_prefix": 3,
                    "search_misspelling": 3, "search_tag": 3,
                    "notifications_most_followed": 3, "like_unlike_without_notifications": 8,
                    "comment_add_without_notifications": 3, "follow_unfollow_without_notifications": 8,
                    **{f"home_{who}_{depth}": 3 for who in ("follows_3", "follows_2000", "follows_star")
                       for depth in ("page_1", "90pct")}}
# Pages measured as a visitor (no session cookie): the log-in page is the visitors' landing page.
ANONYMOUS_PAGES = {"landing"}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    """nproc, memory and CPU model, for the results."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {"cpus": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu_model": model,
            "python": platform.python_version(), "kernel": platform.release()}


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            pass
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a PostgreSQL backend that just ended
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU time the app's workers and PostgreSQL spend per request: unlike req/s, it barely
    moves when other work shares the machine, so it compares pages within a noisy run."""

    def __init__(self, app_pid: int, pg_pid: int | None):
        self.app_pid, self.pg_pid = app_pid, pg_pid

    def sample(self) -> tuple[float, float]:
        """(app seconds, PostgreSQL seconds) so far."""
        pg = cpu_seconds(process_tree(self.pg_pid)) if self.pg_pid else 0.0
        return cpu_seconds(process_tree(self.app_pid)[1:]), pg

    def measure(self, run) -> dict:
        """Run one wrk measurement and add the CPU milliseconds per request it cost."""
        app0, pg0 = self.sample()
        result = run()
        app1, pg1 = self.sample()
        n = max(1, result["requests"])
        result["app_cpu_ms"] = round(1000 * (app1 - app0) / n, 3)
        result["pg_cpu_ms"] = round(1000 * (pg1 - pg0) / n, 3) if self.pg_pid else None
        return result


class Server:
    """A gunicorn process serving one WSGI app on 127.0.0.1."""

    def __init__(self, app: str, env: dict, workers: int):
        self.port = free_port()
        self.proc = subprocess.Popen(ending_with_parent(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", app]),
            cwd=ROOT, env=env, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request("GET", self.port, "/auth/login" if app == APP else "/")[0] < 500:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {app} did not start")

    def workers(self) -> list[int]:
        """The worker processes' ids."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def memory_kib(self, field: str = "VmRSS") -> dict[int, int]:
        """Resident memory (VmRSS) or its peak (VmHWM) of each worker, in KiB."""
        out = {}
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            out[pid] = int(re.search(rf"{field}:\s+(\d+)", status).group(1))
        return out

    def stop(self) -> None:
        """Stop gunicorn and its workers."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Worker:
    """A job worker (`flask --app wsgi worker`) beside gunicorn, delivering posts to home timelines."""

    def __init__(self, env: dict):
        argv = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "worker"]
        self.proc = subprocess.Popen(ending_with_parent(argv), cwd=ROOT, env=env, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        """Stop it; running jobs finish first."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def request(method: str, port: int, path: str, body: bytes | None = None, headers: dict | None = None):
    """One HTTP request; returns (status, headers, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def log_in(port: int, username: str) -> tuple[str, str]:
    """Log in through the real form; returns the session cookie and the CSRF token for POSTs."""
    status, headers, html = request("GET", port, "/auth/login")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    match = CSRF_RE.search(html)
    token = match.group(1) or match.group(2)
    body = urlencode({"csrf_token": token, "login": username, "password": DEMO_PASSWORD}).encode()
    status, headers, _ = request("POST", port, "/auth/login", body, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"log-in as {username} failed with {status}")
    # The session cookie, not the known-device cookie the log-in also sets.
    cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("session=")).split(";", 1)[0]
    _, headers, html = request("GET", port, "/", headers={"Cookie": cookie})
    # Rendering the first form puts the CSRF secret in the session: keep that cookie.
    if headers.get("Set-Cookie"):
        cookie = headers["Set-Cookie"].split(";", 1)[0]
    match = CSRF_RE.search(html)
    return cookie, match.group(1) or match.group(2)


def make_upload_jpeg(path: Path) -> None:
    """A 12-megapixel (4000 x 3000) photo-like JPEG: gradient, shapes and sensor noise."""
    from PIL import Image, ImageDraw

    if path.exists():
        return
    ramp = Image.linear_gradient("L").resize((4000, 3000))
    img = Image.merge("RGB", (ramp, ramp.rotate(90, expand=False), Image.new("L", ramp.size, 120)))
    draw = ImageDraw.Draw(img)
    for i in range(40):
        x, y = (i * 977) % 4000, (i * 613) % 3000
        draw.ellipse((x, y, x + 300, y + 200), fill=((i * 37) % 256, (i * 91) % 256, (i * 53) % 256))
    noise = Image.effect_noise((4000, 3000), 24).convert("RGB")
    Image.blend(img, noise, 0.15).save(path, "JPEG", quality=92)


LIKE_LUA = """
local posts = {%(posts)s}
local n = 0
wrk.method = "POST"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["X-CSRFToken"] = "%(token)s"
wrk.headers["Accept"] = "application/json"
request = function()
  n = n + 1
  local post = posts[(math.floor((n - 1) / 2) %% #posts) + 1]
  local action = (n %% 2 == 1) and "like" or "unlike"
  return wrk.format(nil, "/posts/" .. post .. "/" .. action)
end
"""

COMMENT_LUA = """
local posts = {%(posts)s}
local n = 0
wrk.method = "POST"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["X-CSRFToken"] = "%(token)s"
wrk.headers["Accept"] = "application/json"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
request = function()
  n = n + 1
  return wrk.format(nil, "/posts/" .. posts[(n %% #posts) + 1] .. "/comments", nil, "%(body)s")
end
"""

UPLOAD_LUA = """
local f = io.open("%(path)s", "rb")
local image = f:read("*a")
f:close()
local boundary = "----photoshare-bench-boundary"
local function field(name, value)
  return "--" .. boundary .. "\\r\\nContent-Disposition: form-data; name=\\"" .. name .. "\\"\\r\\n\\r\\n" ..
    value .. "\\r\\n"
end
wrk.method = "POST"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = field("csrf_token", "%(token)s") .. field("caption", "benchmark upload") .. field("alt_text", "") ..
  "--" .. boundary .. "\\r\\nContent-Disposition: form-data; name=\\"image\\"; filename=\\"photo.jpg\\"\\r\\n" ..
  "Content-Type: image/jpeg\\r\\n\\r\\n" .. image .. "\\r\\n--" .. boundary .. "--\\r\\n"
"""

FOLLOW_LUA = """
local n = 0
wrk.method = "POST"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["X-CSRFToken"] = "%(token)s"
wrk.headers["Accept"] = "application/json"
request = function()
  n = n + 1
  local action = (n %% 2 == 1) and "follow" or "unfollow"
  return wrk.format(nil, "/u/%(username)s/" .. action)
end
"""

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def upload_body(photo: Path, token: str) -> tuple[bytes, str]:
    """The new-post form with the photo, as the Lua script sends it; returns the body and its type."""
    boundary = "----photoshare-bench-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in (("csrf_token", token), ("caption", "benchmark upload"), ("alt_text", ""))]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="photo.jpg"\r\n'
                 "Content-Type: image/jpeg\r\n\r\n".encode() + photo.read_bytes() + f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wrk(port: int, path: str, duration: float, connections: int, cookie: str = "",
        script: str | None = None, workdir: Path | None = None) -> dict:
    """Run wrk against one URL; returns req/s, p50/p99 in ms, request and error counts."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "10s"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    if script:
        lua = Path(tempfile.mkstemp(suffix=".lua", dir=workdir)[1])
        lua.write_text(script)
        args += ["-s", str(lua)]
    out = subprocess.run([*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         check=True).stdout
    # Requests wrk left queued in gunicorn finish now, not during the next measurement.
    time.sleep(1)
    if script:
        lua.unlink()
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        result[f"p{pct}_ms"] = round(float(m.group(1)) * _UNITS[m.group(2)], 2)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    result["bad_responses"] = int(bad.group(1)) if bad else 0
    result["socket_errors"] = sum(int(x) for x in errors.groups()) if errors else 0
    return result


@contextmanager
def notifications_written(db: psycopg.Connection, row: str, actor_id: int):
    """For a row named ..._without_notifications, the notification triggers are off while it is
    measured; after it, the actor's notifications are put as the triggers would have left them."""
    if not row.endswith("_without_notifications"):
        yield
        return
    bench_queries.bench_notifications_off(db)
    try:
        yield
    finally:
        bench_queries.bench_notifications_on(db)
        bench_queries.bench_sync_notifications(db, actor_id=actor_id)


def with_and_without_notifications(db: psycopg.Connection, meter, rounds: int, name: str, actor_id: int,
                                   run) -> dict[str, dict]:
    """A write by actor_id measured with the notification triggers and without, taking turns for
    `rounds` rounds (the machine's drift falls on both alike); each one's median round."""
    names = (name, f"{name}_without_notifications")
    measured: dict[str, list[dict]] = {n: [] for n in names}
    bench_queries.bench_sync_notifications(db, actor_id=actor_id)  # whatever an interrupted run left
    for _ in range(rounds):
        for n in names:
            with notifications_written(db, n, actor_id):
                measured[n].append(meter.measure(run))
    return {n: median_round(m) for n, m in measured.items()}


def round_trip_row(do: dict, undo: dict, measured: dict) -> dict:
    """A row for a script that alternates two requests (like and unlike): their statements counted
    together, the worse status, and round trips per second beside requests per second."""
    return {"status": max(do["status"], undo["status"]), "statements": do["statements"] + undo["statements"],
            "queries": do["queries"] + undo["queries"], **measured,
            "round_trips_per_s": round(measured["rps"] / 2, 1)}


def median_round(measured: list[dict]) -> dict:
    """The round with the median req/s, every round's req/s, and the median CPU per request."""
    ranked = sorted(measured, key=lambda r: r["rps"])
    out = {**ranked[(len(ranked) - 1) // 2], "rounds_rps": [r["rps"] for r in measured]}
    for key in ("app_cpu_ms", "pg_cpu_ms"):
        values = sorted(r[key] for r in measured if r.get(key) is not None)
        if values:
            out[key] = values[(len(values) - 1) // 2]
    return out


def statements_of(port: int, cookie: str, method: str, path: str, db: psycopg.Connection,
                  body: bytes | None = None, headers: dict | None = None) -> dict:
    """Run one request alone and count the SQL statements the app ran for it."""
    bench_queries.bench_reset_statement_stats(db)
    status, _, _ = request(method, port, path, body, {"Cookie": cookie, **(headers or {})})
    rows = list(bench_queries.bench_statements_since_reset(db))
    return {"status": status, "statements": sum(r["calls"] for r in rows),
            "queries": [" ".join(r["query"].split())[:160] for r in rows]}


def explain(db: psycopg.Connection, name: str, params: dict) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a named query as the app runs it, with a page's values.

    `db` has the app's session options, and the query is a prepared statement executed a few
    times before, so the plan shown is the cached generic plan the app's calls get, with the
    planning and execution times of a warm call.
    """
    names: list[str] = []

    def placeholder(match: re.Match) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    text = re.sub(r"%\((\w+)\)s", placeholder, getattr(queries, name).sql).replace("%%", "%")
    statement = sql.Identifier(f"bench_{name}")
    if not db.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", (f"bench_{name}",)).fetchone():
        db.execute(sql.SQL("PREPARE {} AS {}").format(statement, sql.SQL(text)))
    values = sql.SQL(", ").join(sql.Literal(params[n]) for n in names)
    command = sql.SQL("EXPLAIN (ANALYZE, BUFFERS) EXECUTE {}({})").format(statement, values)
    for _ in range(3):
        db.execute(command)
    return "\n".join(next(iter(r.values())) for r in db.execute(command).fetchall())


def misspelled(username: str) -> str:
    """The username with two neighbouring letters of its last name swapped (ava.smith12 -> ava.smtih12):
    no account's name starts with it, so every account the search lists is a similar name."""
    head, _, tail = username.partition(".")
    letters = [i for i in range(len(tail) - 1)
               if tail[i].isalpha() and tail[i + 1].isalpha() and tail[i] != tail[i + 1]]
    if not letters:
        return username[::-1]
    i = letters[len(letters) // 2]
    return f"{head}.{tail[:i]}{tail[i + 1]}{tail[i]}{tail[i + 2:]}"


def prepare_database(args, out: Path) -> tuple[str, object | None]:
    """Start (or reuse) the benchmark's PostgreSQL, migrate and seed it; returns its URL and server."""
    from photoshare.data.migrate import upgrade
    from tests.support.postgres_server import start_postgresql

    scale = SCALES[args.scale]
    server = None
    if args.database_url:
        url = args.database_url
    else:
        base = out / "pg" if args.reuse else None
        server = start_postgresql(base_dir=base, extra_args=PG_ARGS)
        url = server.url()
    upgrade(url, log=lambda _msg: None)
    # A reused data folder remembers what it was seeded with; an external database is taken as is.
    marker = out / "pg" / "seeded.json"
    wanted = json.dumps(scale, sort_keys=True)
    if args.reuse and (args.database_url or (marker.exists() and marker.read_text() == wanted)):
        print(f"reusing the seeded {args.scale} database")
        return url, server
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(out / "media"), "SECRET_KEY": SECRET_KEY,
           "FEED_PULL_THRESHOLD": str(PULL_THRESHOLD[args.scale])}
    shutil.rmtree(out / "media", ignore_errors=True)
    started = time.monotonic()
    subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "seed", "--reset",
                    *[f"--{k}={v}" for k, v in scale.items()]], cwd=ROOT, env=env, check=True)
    (out / "seed_seconds.txt").write_text(f"{time.monotonic() - started:.1f}\n")
    if server is not None and args.reuse:
        marker.write_text(wanted)
    return url, server


def main(argv=None) -> int:
    """Run the whole benchmark; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=SCALES, default="small")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=1, help="measure hello and the pages this many times, "
                        "interleaved, and keep each one's median")
    parser.add_argument("--reuse", action="store_true", help="keep the seeded server in bench/out/<scale>/")
    parser.add_argument("--database-url", help="use this database instead of starting one")
    parser.add_argument("--out", type=Path, help="folder for results.json (default bench/out/<scale>)")
    parser.add_argument("--soak", type=int, default=0, help="then serve this many feed requests, sampling memory")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk)")

    out = (args.out or ROOT / "bench" / "out" / args.scale).resolve()
    out.mkdir(parents=True, exist_ok=True)
    url, pg = prepare_database(args, out)
    servers = []
    try:
        results = run(args, out, url, servers, pg.child_process.pid if pg is not None else None)
    finally:
        for s in servers:
            s.stop()
        if pg is not None:
            pg.stop()
            if not args.reuse:
                shutil.rmtree(pg._photoshare_base_dir, ignore_errors=True)
    (out / "results.json").write_text(json.dumps(results, indent=2, default=str))
    print_table(results)
    over = [p for p, r in results["pages"].items() if r["statements"] > STATEMENT_BUDGET[p]]
    failed = [p for p, r in results["pages"].items() if r["status"] >= 400 or r["bad_responses"]]
    if over or failed:
        print(f"over the statement budget: {over}; failing pages: {failed}", file=sys.stderr)
        return 1
    return 0


def run(args, out: Path, url: str, servers: list, pg_pid: int | None = None) -> dict:
    """Measure every page against a running database; returns the results."""
    workers = 2 * (os.cpu_count() or 1)
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(out / "media"), "SECRET_KEY": SECRET_KEY,
           "FEED_PULL_THRESHOLD": str(PULL_THRESHOLD[args.scale]),
           # A sync worker serves one request at a time: one connection is all it uses.
           "DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": "2",
           # The upload measurement posts hundreds of photos from one account: no rate limit or quota.
           "UPLOAD_LIMIT": "1000000", "STORAGE_QUOTA_MB": "0"}
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as db:
        bench_queries.bench_enable_statement_stats(db)
        worker_env = env
        if pg_pid is not None:  # our own server: the worker gets a role of its own (not counted)
            bench_queries.bench_create_worker_role(db)
            worker_env = {**env, "DATABASE_URL": make_conninfo(url, user="bench_worker")}
        viewer = bench_queries.bench_viewer(db)
        heaviest = bench_queries.bench_heaviest_author(db)
        most_liked = bench_queries.bench_most_liked_post(db)
        unliked = bench_queries.bench_unliked_post(db) or most_liked
        most_commented = bench_queries.bench_most_commented_post(db)
        uncommented = bench_queries.bench_uncommented_post(db) or unliked
        total = bench_queries.bench_post_count(db)
        deep = bench_queries.bench_feed_position(db, offset=int(total * 0.9))
        cursor = Cursor.after(type("Row", (), deep)).encode()
        like_posts = [r["id"] for r in bench_queries.bench_some_posts(db, limit=64)]
        star = bench_queries.bench_most_followed(db, feed_mode="any")
        top_push = bench_queries.bench_most_followed(db, feed_mode="push")
        home_viewers = {
            "follows_3": bench_queries.bench_follow_viewer(db, following=3),
            "follows_2000": bench_queries.bench_follow_viewer(db, following=2000),
            "follows_star": bench_queries.bench_star_follower(db, star_id=star["id"], following=20),
        }
        home_cursors = {}
        for who, person in home_viewers.items():
            depth = bench_queries.bench_home_feed_depth(db, viewer_id=person["id"])
            person["feed_depth"] = depth
            row = bench_queries.bench_home_feed_position(db, viewer_id=person["id"], offset=int(depth * 0.9))
            home_cursors[who] = Cursor.after(type("Row", (), row)).encode() if row else None
        popular_tag = bench_queries.bench_popular_tag(db)
        rare_tag = bench_queries.bench_rare_tag(db) or popular_tag
        tag_depth = bench_queries.bench_tag_position(db, hashtag_id=popular_tag["id"],
                                                     offset=int(popular_tag["post_count"] * 0.9))
        tag_cursor = Cursor.after(type("Row", (), tag_depth)).encode()
        searches = {"search_prefix": viewer["username"][:3], "search_misspelling": misspelled(viewer["username"]),
                    "search_tag": "#" + popular_tag["name"][:5]}
        follow_target = bench_queries.bench_unfollowed_account(db, viewer_id=viewer["id"])
        lonely = bench_queries.bench_unfollowed_author(db)
        results = {"scale": args.scale, "when": datetime.now(UTC).isoformat(timespec="seconds"),
                   "machine": {**machine(), "postgresql": bench_queries.bench_server_version(db)},
                   "gunicorn_workers": workers, "connections": args.connections, "duration_s": args.duration,
                   "rounds": args.rounds,
                   "data": {"posts": total, "heaviest_author_posts": heaviest["post_count"],
                            "most_liked_post_likes": most_liked["like_count"],
                            "most_followed": star, "most_followed_push_account": top_push,
                            "home_viewers": home_viewers, "pull_threshold": PULL_THRESHOLD[args.scale],
                            "most_commented_post_comments": most_commented["comment_count"],
                            "tags": bench_queries.bench_tag_count(db), "popular_tag": popular_tag,
                            "rare_tag": rare_tag, "searches": searches,
                            "most_followed_notifications": bench_queries.bench_notification_count(
                                db, user_id=star["id"])},
                   "pages": {}, "explain": {}}
        seed_seconds = out / "seed_seconds.txt"
        if seed_seconds.exists():
            results["data"]["seed_seconds"] = float(seed_seconds.read_text())

        # Both servers stay up; an idle one costs nothing. The rounds interleave hello and the
        # pages, so a burst of other work on the machine hits them alike; each keeps its median round.
        hello = Server("bench.hello:app", env, workers)
        servers.append(hello)
        app = Server(APP, env, workers)
        servers.append(app)
        servers.append(Worker(worker_env))
        cookie, token = log_in(app.port, viewer["username"])
        meter = CpuMeter(app.proc.pid, pg_pid)
        pages = {
            "logged_in_baseline": "/bench/logged-in",
            "explore_page_1": "/explore",
            "explore_90pct": f"/explore?before={cursor}",
            "profile_heaviest": f"/u/{heaviest['username']}",
            "post_most_liked": f"/posts/{most_liked['id']}",
            "post_no_likes": f"/posts/{unliked['id']}",
            "post_50_comments": f"/posts/{most_commented['id']}",
            "post_no_comments": f"/posts/{uncommented['id']}",
            "landing": "/auth/login",
            "settings_sessions": "/settings/sessions",
        }
        pages.update({"tag_popular_page_1": f"/tags/{popular_tag['name']}",
                      "tag_popular_90pct": f"/tags/{popular_tag['name']}?before={tag_cursor}",
                      "tag_rare": f"/tags/{rare_tag['name']}",
                      **{name: "/search?" + urlencode({"q": q}) for name, q in searches.items()}})
        # The account with the most followers has the most notifications of all.
        pages["notifications_most_followed"] = "/notifications"
        cookies = {name: "" if name in ANONYMOUS_PAGES else cookie for name in pages}
        cookies["notifications_most_followed"], _ = log_in(app.port, star["username"])
        for who, person in home_viewers.items():
            viewer_cookie, _ = log_in(app.port, person["username"])
            pages[f"home_{who}_page_1"] = "/"
            pages[f"home_{who}_90pct"] = f"/?before={home_cursors[who]}" if home_cursors[who] else "/"
            cookies[f"home_{who}_page_1"] = cookies[f"home_{who}_90pct"] = viewer_cookie
        counted = {}
        for name, path in pages.items():
            for _ in range(2 * workers):  # every worker warm: templates compiled, pool filled
                request("GET", app.port, path, headers={"Cookie": cookies[name]})
            counted[name] = statements_of(app.port, cookies[name], "GET", path, db)
        rounds: dict[str, list[dict]] = {"hello": [], **{name: [] for name in pages}}
        for _ in range(args.rounds):
            rounds["hello"].append(CpuMeter(hello.proc.pid, None).measure(
                lambda: wrk(hello.port, "/", args.duration, args.connections)))
            for name, path in pages.items():
                rounds[name].append(meter.measure(
                    lambda path=path, name=name: wrk(app.port, path, args.duration, args.connections, cookies[name])))
        hello.stop()
        results["hello"] = median_round(rounds["hello"])
        for name in pages:
            results["pages"][name] = {**counted[name], **median_round(rounds[name])}
        like_headers = {"X-CSRFToken": token, "Accept": "application/json"}
        post_id = like_posts[0]
        like = statements_of(app.port, cookie, "POST", f"/posts/{post_id}/like", db, headers=like_headers)
        unlike = statements_of(app.port, cookie, "POST", f"/posts/{post_id}/unlike", db, headers=like_headers)
        script = LIKE_LUA % {"posts": ", ".join(map(str, like_posts)), "cookie": cookie, "token": token}
        measured = with_and_without_notifications(db, meter, args.rounds, "like_unlike", viewer["id"], lambda: wrk(
            app.port, "/", args.duration, args.connections, script=script, workdir=out))
        for name, lu in measured.items():
            results["pages"][name] = round_trip_row(like, unlike, lu)

        # Adding a comment (the script's request), on the posts the likes went to; taken back after.
        since = bench_queries.bench_now(db)
        body = urlencode({"body": f"Nice one @{viewer['username']} #bench"})
        counted = statements_of(app.port, cookie, "POST", f"/posts/{post_id}/comments", db, body=body.encode(),
                                headers={**like_headers, "Content-Type": "application/x-www-form-urlencoded"})
        script = COMMENT_LUA % {"posts": ", ".join(map(str, like_posts)), "cookie": cookie, "token": token,
                                "body": body}
        measured = with_and_without_notifications(db, meter, args.rounds, "comment_add", viewer["id"], lambda: wrk(
            app.port, "/", args.duration, args.connections, script=script, workdir=out))
        for name, added in measured.items():
            results["pages"][name] = {**counted, **added}
        bench_queries.bench_delete_comments(db, user_id=viewer["id"], since=since)

        follow_path = f"/u/{follow_target['username']}"
        follow = statements_of(app.port, cookie, "POST", f"{follow_path}/follow", db, headers=like_headers)
        unfollow = statements_of(app.port, cookie, "POST", f"{follow_path}/unfollow", db, headers=like_headers)
        script = FOLLOW_LUA % {"username": follow_target["username"], "cookie": cookie, "token": token}
        measured = with_and_without_notifications(db, meter, args.rounds, "follow_unfollow", viewer["id"], lambda: wrk(
            app.port, "/", args.duration, args.connections, script=script, workdir=out))
        for name, fu in measured.items():
            results["pages"][name] = round_trip_row(follow, unfollow, fu)
        # The target ends unfollowed (an even number of requests, or not): leave it as found.
        request("POST", app.port, f"{follow_path}/unfollow", b"", {"Cookie": cookie, **like_headers})

        results["publish"] = publishing(app.port, db, out, {"most_followed": star, "most_followed_push": top_push,
                                                            "no_followers": lonely})

        photo = out / "upload-12mp.jpg"
        make_upload_jpeg(photo)
        rss_before = app.memory_kib("VmHWM")
        body, content_type = upload_body(photo, token)
        counted = statements_of(app.port, cookie, "POST", "/posts/new", db, body=body,
                                headers={"Content-Type": content_type})
        script = UPLOAD_LUA % {"path": photo, "cookie": cookie, "token": token}
        # One connection: each upload's latency is its server time. Two: uploads compete for the cores.
        upload = meter.measure(lambda: wrk(app.port, "/posts/new", args.duration, 1, script=script, workdir=out))
        upload["two_connections"] = wrk(app.port, "/posts/new", args.duration, 2, script=script, workdir=out)
        upload["images_per_s"] = upload.pop("rps")
        upload["file_mib"] = round(photo.stat().st_size / 2**20, 1)
        upload["peak_worker_rss_mib_before"] = round(max(rss_before.values()) / 1024, 1)
        upload["peak_worker_rss_mib"] = round(max(app.memory_kib("VmHWM").values()) / 1024, 1)
        results["pages"]["upload_12mp"] = {**counted, **upload}

        if args.soak:
            results["soak"] = soak(app, cookie, args)

        hello_rps = results["hello"]["rps"]
        baseline = results["pages"]["logged_in_baseline"]
        for page in results["pages"].values():
            if "rps" in page:
                page["ratio_to_hello"] = round(page["rps"] / hello_rps, 3)
            # p50 against the logged-in page that does nothing: what the page's own work adds.
            page["p50_to_logged_in"] = round(page["p50_ms"] / baseline["p50_ms"], 2)

        viewer_id = viewer["id"]
        start = Cursor.start()
        feed = {"viewer_id": viewer_id, "before_created_at": start.created_at, "before_id": start.id, "limit": 21}
        explains = {
            "explore_page_1": [("list_feed_before", feed)],
            "explore_90pct": [("list_feed_before", {**feed, "before_created_at": deep["created_at"],
                                                    "before_id": deep["id"]})],
            "profile_heaviest": [("get_profile_page", {"username": heaviest["username"], "viewer_id": viewer_id}),
                                 ("list_user_posts_before", {**feed, "user_id": heaviest["id"], "limit": 25})],
            "post_most_liked": [("get_post_by_id", {"id": most_liked["id"], "viewer_id": viewer_id})],
            "post_no_likes": [("get_post_by_id", {"id": unliked["id"], "viewer_id": viewer_id})],
            "post_50_comments": [("get_post_by_id", {"id": most_commented["id"], "viewer_id": viewer_id}),
                                 ("list_comments_after", {"post_id": most_commented["id"],
                                                          "after_created_at": Cursor.origin().created_at,
                                                          "after_id": 0, "limit": 51})],
            # A token that opens no session: the plan of the probe every logged-in request makes.
            "session_user": [("get_session_user", {"token_hash": bytes(32), "next_token_hash": bytes(32),
                                                   "touch_seconds": 60, "rotate_seconds": 3600})],
            "tag_popular_page_1": [("get_hashtag_by_name", {"name": popular_tag["name"]}),
                                   ("list_hashtag_posts_before", {**feed, "hashtag_id": popular_tag["id"]})],
            "tag_popular_90pct": [("list_hashtag_posts_before", {
                **feed, "hashtag_id": popular_tag["id"], "before_created_at": tag_depth["created_at"],
                "before_id": tag_depth["id"]})],
            "tag_rare": [("list_hashtag_posts_before", {**feed, "hashtag_id": rare_tag["id"]})],
            "notifications_most_followed": [("list_notifications_before", {
                "recipient_id": star["id"], "before_created_at": start.created_at, "before_id": start.id,
                "limit": 21, "mark": 0})],
        }
        # The searches as services.search runs them: accounts for text without "#", tags for a tag.
        for name, q in searches.items():
            items, term = [], q.lstrip("#@").lower()
            terms = {"q": term, "q_end": prefix_end(term), "max_results": RESULTS_MAX}
            if not q.startswith("#"):
                items.append(("search_accounts", terms))
            if not q.startswith("@") and is_tag(term):
                items.append(("search_tags", terms))
            explains[name] = items
        for who, person in home_viewers.items():
            home = {**feed, "viewer_id": person["id"]}
            explains[f"home_{who}_page_1"] = [("list_home_feed_before", home)]
            if home_cursors[who]:
                deep_home = Cursor.decode(home_cursors[who])
                explains[f"home_{who}_90pct"] = [("list_home_feed_before", {
                    **home, "before_created_at": deep_home.created_at, "before_id": deep_home.id})]
    with psycopg.connect(url, autocommit=True, row_factory=dict_row, options=session_options(url)) as app_like:
        for page, items in explains.items():
            results["explain"][page] = {name: explain(app_like, name, params) for name, params in items}
    return results


def small_jpeg() -> bytes:
    """A 640 x 480 photo: publishing it costs little besides the rows, so their cost shows."""
    import io

    from PIL import Image, ImageDraw

    img = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    ImageDraw.Draw(img).ellipse((100, 100, 300, 260), fill=(200, 80, 40))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def publishing(port: int, db: psycopg.Connection, out: Path, authors: dict, times: int = 9) -> dict:
    """Server time of publishing a post as each author, and the time until every follower's home
    feed has it (delivery: the job done and one timeline copy per follower; a pull account's
    posts are read by its followers, so they are there once the post is committed).

    Each author publishes once unmeasured first (every gunicorn worker's first upload pays for
    warming the image pipeline), then the authors take turns, so a burst of other work on the
    machine falls on all of them alike."""
    photo = out / "publish-640.jpg"
    photo.write_bytes(small_jpeg())
    sessions = {}
    for label, author in authors.items():
        cookie, token = log_in(port, author["username"])
        body, content_type = upload_body(photo, token)
        sessions[label] = (body, {"Cookie": cookie, "Content-Type": content_type},
                           bench_queries.bench_follower_count(db, user_id=author["id"]))
    measured = {label: {"server_ms": [], "delivery_ms": [], "post_ids": []} for label in authors}
    for round_ in range(times + 1):
        for label, author in authors.items():
            body, headers, followers = sessions[label]
            started = time.monotonic()
            status, response_headers, _ = request("POST", port, "/posts/new", body, headers)
            answered = time.monotonic()
            if status != 302:
                raise RuntimeError(f"publishing as {author['username']} answered {status}")
            post_id = int(response_headers["Location"].rsplit("/", 1)[1])
            deadline = answered + 60
            while time.monotonic() < deadline:
                pending = bench_queries.bench_delivery_pending(db, post_id=post_id)
                copies = bench_queries.bench_timeline_copies_of_post(db, post_id=post_id)
                pulled = bench_queries.bench_feed_mode(db, user_id=author["id"]) == "pull"
                if not pending and (pulled or copies >= followers):
                    break
                time.sleep(0.01)
            if round_ == 0:
                continue  # the warm-up
            m = measured[label]
            m["delivery_ms"].append(round(1000 * (time.monotonic() - answered), 1))
            m["server_ms"].append(round(1000 * (answered - started), 1))
            m["post_ids"].append(post_id)
    results = {}
    for label, author in authors.items():
        m = measured[label]
        results[label] = {"username": author["username"], "followers": sessions[label][2],
                          "server_ms_median": sorted(m["server_ms"])[len(m["server_ms"]) // 2],
                          "server_ms": m["server_ms"],
                          "delivery_ms_median": sorted(m["delivery_ms"])[len(m["delivery_ms"]) // 2],
                          "delivery_ms_max": max(m["delivery_ms"]),
                          "timeline_copies_of_last": bench_queries.bench_timeline_copies_of_post(
                              db, post_id=m["post_ids"][-1])}
    return results


def soak(app: Server, cookie: str, args) -> list[dict]:
    """Serve the feed in slices until args.soak requests, recording each worker's memory."""
    samples, served = [], 0
    while served < args.soak:
        r = wrk(app.port, "/", 10, args.connections, cookie)
        served += r["requests"]
        rss = app.memory_kib()
        samples.append({"requests": served, "rss_mib": sorted(round(v / 1024, 1) for v in rss.values())})
        print(f"soak: {served} requests, worker RSS MiB {samples[-1]['rss_mib']}")
    return samples


def print_table(results: dict) -> None:
    """The results as a plain-text table."""
    hello = results["hello"]
    print(f"\n{results['scale']} scale, {results['gunicorn_workers']} gunicorn workers, "
          f"{results['connections']} connections, {results['duration_s']:.0f} s each")
    print(f"{'page':<38}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'x hello':>9}{'p50 x li':>9}{'SQL':>5}"
          f"{'app CPU':>9}{'pg CPU':>8}")
    print(f"{'hello (bare)':<38}{hello['rps']:>9.0f}{hello['p50_ms']:>9.2f}{hello['p99_ms']:>9.2f}{1:>9.3f}"
          f"{'':>9}{0:>5}{hello.get('app_cpu_ms') or 0:>9.3f}")
    for name, r in results["pages"].items():
        rps = r.get("rps", r.get("images_per_s", 0))
        ratio = r.get("ratio_to_hello", 0)
        print(f"{name:<38}{rps:>9.1f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{ratio:>9.3f}"
              f"{r.get('p50_to_logged_in', 0):>9.2f}{r['statements']:>5}"
              f"{r.get('app_cpu_ms') or 0:>9.3f}{r.get('pg_cpu_ms') or 0:>8.3f}")
    for label, pub in results.get("publish", {}).items():
        print(f"publish as {label} ({pub['followers']} followers): server p50 {pub['server_ms_median']} ms, "
              f"in every follower's home feed after p50 {pub['delivery_ms_median']} ms "
              f"(max {pub['delivery_ms_max']} ms)")
    up = results["pages"]["upload_12mp"]
    two = up["two_connections"]
    print(f"upload, one at a time: p50 {up['p50_ms']} ms; two at once: p50 {two['p50_ms']} ms, "
          f"{two['rps']} images/s")
    print(f"upload: {up['images_per_s']} images/s, peak worker RSS {up['peak_worker_rss_mib']} MiB "
          f"(before uploads {up['peak_worker_rss_mib_before']} MiB)")


if __name__ == "__main__":
    sys.exit(main())
