"""A small HTTP client for the soak and the live-server tests: cookies, CSRF, multipart, no redirects."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str | None:
        return self.headers.get("location")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _multipart(fields: dict, files: list[tuple[str, bytes, str, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, data, filename, content_type in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One user's browser: a cookie jar shared by every server it talks to."""

    def __init__(self, base_url: str, jar: http.cookiejar.CookieJar | None = None, timeout: float = 30):
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"not an http URL: {base_url}")
        self.base_url = base_url.rstrip("/")
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def on(self, base_url: str) -> "Browser":
        """The same browser (same cookies) talking to another server."""
        return Browser(base_url, self.jar, self.timeout)

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None) -> Response:
        """Send one request; 4xx and 5xx are returned, not raised."""
        req = urllib.request.Request(  # noqa: S310 - base_url is checked to be http(s) in __init__
            self.base_url + path, data=data, method=method, headers=headers or {})
        started = time.perf_counter()
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:  # noqa: S310 - http(s) only, checked in __init__
                body, status, hdrs = resp.read(), resp.status, resp.headers
        except urllib.error.HTTPError as err:
            body, status, hdrs = err.read(), err.code, err.headers
        elapsed = time.perf_counter() - started
        return Response(status, {k.lower(): v for k, v in hdrs.items()}, body, elapsed)

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: dict, files: list | None = None, headers: dict | None = None) -> Response:
        """POST a form (multipart when files are given: (field, bytes, filename, content type))."""
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request("POST", path, data=body, headers={"Content-Type": content_type, **(headers or {})})

    def csrf_token(self, path: str = "/auth/login") -> str:
        """The CSRF token of this browser's session, read from a form page."""
        page = self.get(path)
        match = CSRF_RE.search(page.text)
        if not match:
            raise AssertionError(f"no csrf_token on {path}: HTTP {page.status}")
        return match.group(1) or match.group(2)

    def register(self, username: str, password: str) -> Response:
        return self.post("/auth/register", {
            "csrf_token": self.csrf_token("/auth/register"), "username": username,
            "email": f"{username}@example.com", "password": password, "confirm": password})

    def login(self, login: str, password: str) -> Response:
        return self.post("/auth/login", {"csrf_token": self.csrf_token(), "login": login, "password": password})
