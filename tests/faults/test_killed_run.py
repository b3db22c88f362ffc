"""A test run killed before its teardown runs (a CI timeout, a SIGKILL) leaves no server behind: the
PostgreSQL and the S3 server it started end with it (tests/support/children.py)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys

from photoshare.config import PROJECT_ROOT
from tests.support.children import running
from tests.support.worker import wait_for

# A run in miniature: start the servers, say where they are, die without any teardown.
RUN = """
import json, os, signal, sys, tempfile
from pathlib import Path
from tests.support.postgres_server import start_postgresql
from tests.support.s3_server import SeaweedS3

pg = start_postgresql()
s3_dir = Path(tempfile.mkdtemp(prefix="photoshare-s3-"))
s3 = SeaweedS3(s3_dir)
s3.start()
Path(sys.argv[1]).write_text(json.dumps({
    "pids": [pg.child_process.pid, s3.process.pid],
    "ports": [pg.dsn()["port"], s3.ports["s3"]],
    "dirs": [str(pg._photoshare_base_dir), str(s3_dir)],
}))
os.kill(os.getpid(), signal.SIGKILL)
"""


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_the_servers_of_a_killed_run_stop_by_themselves(tmp_path):
    where, log = tmp_path / "servers.json", tmp_path / "run.log"
    # A run of its own: not the session's S3 credentials (weed mini would take them for its own).
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    # Output to a file, not a pipe: servers left running would hold a pipe open.
    with log.open("wb") as output:
        run = subprocess.run([sys.executable, "-c", RUN, str(where)], cwd=PROJECT_ROOT, env=env,
                             stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, timeout=180)
    assert run.returncode == -signal.SIGKILL, log.read_text()[-3000:]
    servers = json.loads(where.read_text())
    try:
        wait_for(lambda: not any(map(running, servers["pids"])), 30, 0.1, "the orphaned servers' exit")
        assert not any(map(_listening, servers["ports"]))
    finally:
        for pid in filter(running, servers["pids"]):
            os.kill(pid, signal.SIGKILL)
        for directory in servers["dirs"]:
            shutil.rmtree(directory, ignore_errors=True)
