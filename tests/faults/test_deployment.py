"""The production set-up of the README, for real: gunicorn with deploy/gunicorn.conf.py (four sync
workers) behind nginx with deploy/nginx.conf over TLS. Slow clients cannot take the site down, the
app gets the client's address and scheme, unknown hosts never reach it, neither server names its
version, and the body limits are in step.
"""

import re
import socket
import time
from http.client import HTTPConnection

import pytest

from bench.soak_servers import AppServer
from photoshare.config import PROJECT_ROOT, from_environment
from photoshare.web.uploads import largest_upload_body
from tests.support.actions import CSRF_RE
from tests.support.nginx import HOST, SITE, Nginx, SlowClients

SLOW_CLIENTS = 50
GUNICORN_CONFIG = str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py")


@pytest.fixture(scope="module")
def deployed(database_url, tmp_path_factory):
    env = {"DATABASE_URL": database_url, "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
           "SECRET_KEY": "deployment-test", "TRUST_PROXY_HEADERS": "1", "DB_POOL_MAX_SIZE": "2",
           # The site's name, and the address the test's readiness check uses.
           "TRUSTED_HOSTS": f"{HOST},127.0.0.1"}
    app = AppServer(env, workers=4, threads=1, config=GUNICORN_CONFIG)
    try:
        nginx = Nginx(app.port)
    except BaseException:
        app.stop()
        raise
    yield app, nginx
    nginx.stop()
    app.stop()


def test_fifty_slow_clients_do_not_delay_a_normal_request(deployed):
    app, nginx = deployed
    slow = SlowClients(nginx.connect, SLOW_CLIENTS)
    try:
        time.sleep(1.0)  # every slow client is connected and sending
        for path in ("/healthz", "/auth/login", "/healthz", "/auth/register", "/healthz"):
            started = time.monotonic()
            response, _body = nginx.request("GET", path, timeout=5)
            elapsed = time.monotonic() - started
            assert response.status == 200, path
            assert elapsed < 1.0, f"{path} took {elapsed:.2f} s with {SLOW_CLIENTS} slow clients"
    finally:
        slow.close()


def test_without_nginx_four_slow_clients_hold_every_sync_worker(deployed):
    """The same trickle straight at gunicorn: what the proxy is for (and proof the slow clients bite)."""
    app, _nginx = deployed
    slow = SlowClients(lambda: socket.create_connection(("127.0.0.1", app.port), timeout=5), 4)
    try:
        time.sleep(0.5)
        connection = HTTPConnection("127.0.0.1", app.port, timeout=2)
        with pytest.raises(TimeoutError):
            connection.request("GET", "/healthz")
            connection.getresponse()
        connection.close()
    finally:
        slow.close()
    # Once they are gone, gunicorn answers again (each worker sees its client close).
    deadline = time.monotonic() + 10
    while True:
        try:
            connection = HTTPConnection("127.0.0.1", app.port, timeout=2)
            connection.request("GET", "/healthz")
            assert connection.getresponse().status == 200
            break
        except TimeoutError:
            assert time.monotonic() < deadline
        finally:
            connection.close()


def _cookies(response) -> str:
    return "; ".join(value.split(";", 1)[0] for name, value in response.getheaders() if name.lower() == "set-cookie")


def test_through_nginx_the_app_knows_https_and_the_real_client(deployed, db):
    app, nginx = deployed
    form, html = nginx.request("GET", "/auth/login")
    headers = dict(form.getheaders())
    assert headers["Server"] == "nginx"  # server_tokens off: no version
    assert headers["Strict-Transport-Security"] == "max-age=31536000"  # the app saw https
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-store"
    # Over HTTPS the session cookie carries the __Host- prefix (Secure, Path=/, no Domain).
    session = [v for k, v in form.getheaders() if k.lower() == "set-cookie" and v.startswith("__Host-session=")]
    assert session and "Secure" in session[0] and "Path=/" in session[0] and "Domain" not in session[0]
    token = next(m.group(1) or m.group(2) for m in CSRF_RE.finditer(html.decode()))
    # A client's own X-Forwarded-For is replaced by the address nginx saw: the throttle counts that.
    refused, _ = nginx.request("POST", "/auth/login", body=f"csrf_token={token}&login=nobody&password=wrong".encode(),
                               # Over HTTPS, Flask-WTF also wants the Referer a browser sends.
                               headers={"Cookie": _cookies(form), "X-Forwarded-For": "203.0.113.9",
                                        "Referer": f"https://{HOST}/auth/login",
                                        "Content-Type": "application/x-www-form-urlencoded"})
    assert refused.status == 400
    assert [r["client_addr"] for r in db.execute("SELECT client_addr FROM login_attempt")] == ["127.0.0.1"]


def test_unknown_hosts_never_reach_the_app(deployed):
    app, nginx = deployed
    # Over HTTPS with the right certificate name but another Host: nginx's catch-all closes it.
    connection = HTTPConnection(HOST, nginx.https_port, timeout=5)
    connection.sock = nginx.connect()
    connection.request("GET", "/auth/login", headers={"Host": "evil.example"})
    with pytest.raises(ConnectionError):
        connection.getresponse()
    connection.close()
    # A TLS handshake for another name is refused outright.
    with pytest.raises(OSError):
        nginx.connect(server_hostname="evil.example").close()
    # Plain HTTP for the site goes to HTTPS, under the site's own name whatever the request said.
    plain = HTTPConnection("127.0.0.1", nginx.http_port, timeout=5)
    plain.request("GET", "/u/alice?x=1", headers={"Host": HOST})
    redirect = plain.getresponse()
    assert redirect.status == 301 and redirect.getheader("Location") == f"https://{HOST}/u/alice?x=1"
    plain.close()
    # And gunicorn reached directly with a foreign Host: the app's own 400, under no software's name.
    direct = HTTPConnection("127.0.0.1", app.port, timeout=5)
    direct.request("GET", "/auth/login", headers={"Host": "evil.example"})
    answer = direct.getresponse()
    assert answer.status == 400 and answer.read() == b"Unknown host.\n"
    assert answer.getheader("Server") == "photoshare"
    direct.close()


def test_the_body_limits_are_in_step(deployed):
    app, nginx = deployed
    limit_mb = from_environment()["MAX_UPLOAD_MB"]
    just_over = b"x" * (limit_mb * 1024 * 1024 + 512 * 1024)
    page, body = nginx.request("POST", "/posts/new", body=just_over, timeout=30,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    # Over the app's limit but within nginx's: the app's own page says what the limit is.
    assert page.status == 413 and f"The limit is {limit_mb} MB." in body.decode(), (page.status, body[:200])
    nginx_mb = int(re.search(r"client_max_body_size (\d+)m;", SITE.read_text())[1])
    far_over, _ = nginx.request("POST", "/posts/new", body=b"x" * ((nginx_mb + 1) * 1024 * 1024), timeout=60,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert far_over.status == 413


def test_nginx_takes_at_least_what_the_app_takes_and_not_much_more():
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", SITE.read_text())[1])
    # The largest body the app reads is a logged-in user's upload form (READ_FACTOR times the limit).
    app_limit = largest_upload_body(from_environment())
    assert app_limit <= megabytes * 1024 * 1024 <= app_limit + 2 * 1024 * 1024


