"""deploy/nginx.conf served by a real nginx (Debian's `nginx`) on free ports of 127.0.0.1, in front of
a test gunicorn, with a throwaway certificate; stopped by the test that started it."""

import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path

from photoshare.config import PROJECT_ROOT
from tests.support.children import ending_with_parent

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = PROJECT_ROOT / "deploy" / "nginx.conf"
HOST = "photoshare.example.com"  # the name deploy/nginx.conf serves, kept as it ships

MAIN = """\
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/photoshare.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _replace(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(f"deploy/nginx.conf no longer has {old!r}")
    return text.replace(old, new)


class Nginx:
    """nginx running deploy/nginx.conf with only its ports, upstream and certificate paths changed."""

    def __init__(self, upstream_port: int):
        self.tmp = Path(tempfile.mkdtemp(prefix="photoshare-nginx-"))
        # As root, nginx's workers run as nobody, and must reach their temporary folders.
        self.tmp.chmod(0o755)
        self.http_port, self.https_port = free_port(), free_port()
        self.cert, key = self.tmp / "cert.pem", self.tmp / "key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
                        "-keyout", str(key), "-out", str(self.cert)], check=True, capture_output=True)
        site = SITE.read_text()
        for old, new in (("listen 80", f"listen 127.0.0.1:{self.http_port}"),
                         ("listen 443", f"listen 127.0.0.1:{self.https_port}"),
                         ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
                         (f"/etc/ssl/certs/{HOST}.pem", str(self.cert)),
                         (f"/etc/ssl/private/{HOST}.key", str(key))):
            site = _replace(site, old, new)
        (self.tmp / "photoshare.conf").write_text(site)
        (self.tmp / "nginx.conf").write_text(MAIN.format(tmp=self.tmp))
        argv = [NGINX, "-p", str(self.tmp), "-c", str(self.tmp / "nginx.conf")]
        self.process = subprocess.Popen(ending_with_parent(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.process.stderr.read().decode()} {self.error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: {self.error_log()}")

    def error_log(self) -> str:
        log = self.tmp / "error.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def tls(self) -> ssl.SSLContext:
        """A client context that trusts only this server's certificate, and checks the name."""
        context = ssl.create_default_context(cafile=str(self.cert))
        return context

    def connect(self, timeout: float = 5, server_hostname: str = HOST) -> ssl.SSLSocket:
        """A TLS connection to the site, as a browser asking for HOST would open it."""
        sock = socket.create_connection(("127.0.0.1", self.https_port), timeout=timeout)
        return self.tls().wrap_socket(sock, server_hostname=server_hostname)

    def request(self, method: str, path: str, headers: dict | None = None, body: bytes | None = None,
                timeout: float = 5) -> tuple[HTTPResponse, bytes]:
        """One HTTPS request to the site; returns the response and its body."""
        connection = HTTPConnection(HOST, self.https_port, timeout=timeout)
        connection.sock = self.connect(timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.tmp, ignore_errors=True)


class SlowClients:
    """Connections that send their request a byte at a time, forever: half of them the headers of a
    GET, half the body of a POST whose headers promised 100 kB."""

    def __init__(self, connect, count: int):
        self.sockets, self.pending = [], []
        for i in range(count):
            if i % 2:
                head = f"GET /auth/login HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: slow{i}\r\n".encode()
            else:
                head = (f"POST /auth/login HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/x-www-form-"
                        f"urlencoded\r\nContent-Length: 100000\r\n\r\nlogin=alice&password=").encode()
                self.sockets.append(connect())
                self.sockets[-1].sendall(head)  # the headers at once, then the body trickles
                self.pending.append(b"x" * 100_000)
                continue
            self.sockets.append(connect())
            self.pending.append(head + b"X-Padding: " + b"y" * 10_000)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)
        self.thread.start()

    def _trickle(self) -> None:
        while not self.stop.wait(0.2):
            for index, sock in enumerate(self.sockets):
                if self.pending[index]:
                    try:
                        sock.send(self.pending[index][:1])
                    except OSError:
                        continue
                    self.pending[index] = self.pending[index][1:]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        for sock in self.sockets:
            sock.close()
