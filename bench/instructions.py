"""Instructions per request of each page, counted by valgrind: the same number on a busy machine.

    python -m bench.instructions --database-url URL [--requests 100]

CPU time per request (bench/profile_pages.py) moves by tens of percent on a shared machine;
callgrind counts the instructions the app process executes, which repeat to a fraction of a percent
for the same code and data. The pages are those of profile_pages, on a database it has seeded
(`--database-url`, e.g. the one `python -m bench.profile_pages --reuse` keeps). Only the app's own
process is counted, not PostgreSQL. A run takes a few minutes: valgrind is ~50 times slower.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

WARM_UP = 30
# callgrind writes its counts at every call of this libc function: the child calls it between phases.
DUMP_AT = "sched_yield"


def child(url: str, requests: int) -> None:
    """Runs under valgrind: each phase between two sched_yield() calls is one dump."""
    import psycopg
    from psycopg.rows import dict_row

    from bench import hello
    from bench.profile_pages import call, log_in, pages_of
    from photoshare import create_app

    app = create_app()
    with psycopg.connect(url, autocommit=True, row_factory=dict_row) as db:
        viewer, pages = pages_of(db)
    cookie = log_in(app, viewer)
    for name, (wsgi, path, cookie_) in {"hello (bare Flask)": (hello.app, "/", ""),
                                        **{n: (app, p, cookie) for n, p in pages.items()}}.items():
        for _ in range(WARM_UP):
            call(wsgi, path, cookie_)
        print(f"phase {name}", flush=True)
        os.sched_yield()
        for _ in range(requests):
            call(wsgi, path, cookie_)
        os.sched_yield()
    app.extensions["db_pool"].close()


def main(argv=None) -> int:
    """Run the child under callgrind and print instructions per request of each phase."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.database_url, args.requests)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, "DATABASE_URL": args.database_url,
               "SECRET_KEY": os.environ.get("SECRET_KEY", "instructions-only-secret"),
               "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", tmp)}
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--dump-before={DUMP_AT}", f"--callgrind-out-file={out}",
             sys.executable, "-m", "bench.instructions", "--child", "--database-url", args.database_url,
             "--requests", str(args.requests)],
            env=env, capture_output=True, text=True, check=True)
        names = re.findall(r"^phase (.+)$", proc.stdout, re.M)
        # Dumps are numbered in order: odd ones are start-up or a warm-up, even ones a measured phase.
        counts = {}
        for path in Path(tmp).glob("callgrind.out.*"):
            counts[int(path.suffix[1:])] = int(re.search(r"^summary: (\d+)", path.read_text(), re.M)[1])
    print(f"instructions per request (valgrind), {args.requests} requests per page after {WARM_UP} to warm up")
    for index, name in enumerate(names):
        measured = counts[2 * index + 2]
        print(f"{name:20} {measured / args.requests / 1000:10,.0f} k")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
