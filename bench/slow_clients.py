"""Latency of a normal request while slow clients trickle theirs, through nginx and without it.

    python -m bench.slow_clients [--slow 50] [--requests 20]

Serves the app as the README's production section does (gunicorn -c deploy/gunicorn.conf.py,
four sync workers, behind nginx with deploy/nginx.conf over TLS), opens --slow connections that
send their request a byte every 0.2 s, then times --requests plain GETs of /auth/login through
nginx, and the same against gunicorn alone with four slow clients (each request there gives up
after 2 s). Needs Debian's nginx and openssl; the suite's tests/faults/test_deployment.py checks
the 1 s bound.
"""

import argparse
import socket
import statistics
import time
from contextlib import ExitStack
from http.client import HTTPConnection

from bench.soak_servers import AppServer
from photoshare.config import PROJECT_ROOT
from tests.support.nginx import HOST, Nginx, SlowClients


def _times(request, count: int) -> list[float]:
    out = []
    for _ in range(count):
        started = time.monotonic()
        try:
            request()
            out.append(time.monotonic() - started)
        except TimeoutError:
            out.append(float("inf"))
    return out


def _direct(port: int) -> None:
    connection = HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/auth/login")
        connection.getresponse().read()
    finally:
        connection.close()


def _summary(times: list[float]) -> str:
    done = [t for t in times if t != float("inf")]
    if not done:
        return f"all {len(times)} timed out"
    return (f"median {statistics.median(done) * 1000:.0f} ms, max {max(done) * 1000:.0f} ms, "
            f"{len(times) - len(done)} of {len(times)} timed out")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args(argv)
    from tests.support.postgres_server import migrated_postgresql

    with ExitStack() as stack:
        url = stack.enter_context(migrated_postgresql()).url()
        app = AppServer({"DATABASE_URL": url, "SECRET_KEY": "slow-clients", "TRUST_PROXY_HEADERS": "1",
                         "TRUSTED_HOSTS": f"{HOST},127.0.0.1", "DB_POOL_MAX_SIZE": "2"},
                        workers=4, threads=1, config=str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py"))
        stack.callback(app.stop)
        nginx = Nginx(app.port)
        stack.callback(nginx.stop)
        quiet = _times(lambda: nginx.request("GET", "/auth/login"), args.requests)
        slow = SlowClients(nginx.connect, args.slow)
        time.sleep(1)
        proxied = _times(lambda: nginx.request("GET", "/auth/login"), args.requests)
        slow.close()
        slow = SlowClients(lambda: socket.create_connection(("127.0.0.1", app.port), timeout=5), 4)
        time.sleep(0.5)
        bare = _times(lambda: _direct(app.port), min(args.requests, 3))
        slow.close()
    rows = (("through nginx, no slow client", quiet), (f"through nginx, {args.slow} slow clients", proxied),
            ("gunicorn alone, 4 slow clients", bare))
    for label, times in rows:
        print(f"{label:34} {_summary(times)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
