"""Configuration from environment variables; tests pass overrides to create_app()."""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The host names a local run answers for, on any port: nothing to set for `make run` or the tests.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def generated_secret_key(instance_path: Path) -> str:
    """A key generated once and kept in instance/secret_key (mode 0600), for runs without SECRET_KEY."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting together must not write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def host_names(value: str | None) -> tuple[str, ...]:
    """TRUSTED_HOSTS as lower-case names: comma-separated, blanks and ports ignored; unset or empty
    means LOCAL_HOSTS."""
    names = []
    for item in (value or "").split(","):
        item = item.strip().lower()
        if item.startswith("["):
            names.append(item.partition("]")[0] + "]")
        elif item:
            names.append(item.partition(":")[0])
    return tuple(names) or LOCAL_HOSTS


def from_environment() -> dict:
    """The settings from the environment (README, "Configuration"). Reading them has no side
    effect: the secret key file and the embedded database are only made once the caller's
    overrides are applied, and only if still needed."""
    env = os.environ.get
    max_upload_mb = int(env("MAX_UPLOAD_MB", "20"))
    return {
        "INSTANCE_PATH": env("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        "SECRET_KEY": env("SECRET_KEY") or None,
        "DATABASE_URL": env("DATABASE_URL") or None,
        "DB_POOL_MIN_SIZE": int(env("DB_POOL_MIN_SIZE", "1")),
        "DB_POOL_MAX_SIZE": int(env("DB_POOL_MAX_SIZE", "10")),
        # During an outage a request waits this long for a connection, then gets the 503 page.
        "DB_POOL_TIMEOUT": float(env("DB_POOL_TIMEOUT", "1")),
        "MEDIA_BACKEND": env("MEDIA_BACKEND", "local"),
        "MEDIA_ROOT": env("MEDIA_ROOT", str(PROJECT_ROOT / "media")),
        "S3_ENDPOINT_URL": env("S3_ENDPOINT_URL") or None,
        "S3_POST_BUCKET": env("S3_POST_BUCKET", "photoshare-post"),
        "S3_PROFILE_BUCKET": env("S3_PROFILE_BUCKET", "photoshare-profile"),
        "S3_PRESIGNED_REDIRECT": env("S3_PRESIGNED_REDIRECT", "0") == "1",
        "S3_PRESIGNED_EXPIRES": int(env("S3_PRESIGNED_EXPIRES", "300")),
        # Media URLs are signed and stay the same for a window of this many seconds; each is
        # valid, and may be cached, for one to two windows (web/media_signing.py).
        "MEDIA_URL_WINDOW_SECONDS": int(env("MEDIA_URL_WINDOW_SECONDS", "3600")),
        "S3_CONNECT_TIMEOUT": float(env("S3_CONNECT_TIMEOUT", "3")),
        "S3_READ_TIMEOUT": float(env("S3_READ_TIMEOUT", "10")),
        "S3_MAX_ATTEMPTS": int(env("S3_MAX_ATTEMPTS", "3")),
        "MAX_UPLOAD_MB": max_upload_mb,
        # Memory one image's processing may take (estimated from its header before decoding), and
        # how many images one process decodes at once; an upload waits this long for its turn.
        "MAX_DECODE_MB": int(env("MAX_DECODE_MB", "192")),
        "DECODE_CONCURRENCY": int(env("DECODE_CONCURRENCY", "1")),
        "DECODE_WAIT_SECONDS": float(env("DECODE_WAIT_SECONDS", "10")),
        # Uploads per account: a burst of UPLOAD_LIMIT, then one every window / limit seconds.
        "UPLOAD_LIMIT": int(env("UPLOAD_LIMIT", "60")),
        "UPLOAD_WINDOW_SECONDS": int(env("UPLOAD_WINDOW_SECONDS", "3600")),
        # The bytes of photos an account may keep (0: no quota).
        "STORAGE_QUOTA_MB": int(env("STORAGE_QUOTA_MB", "2048")),
        # A little over the file limit: the multipart envelope and form fields.
        "MAX_CONTENT_LENGTH": max_upload_mb * 1024 * 1024 + 64 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "0") == "1",
        "TRUST_PROXY_HEADERS": env("TRUST_PROXY_HEADERS", "0") == "1",
        # Not Flask's own TRUSTED_HOSTS setting: web/hosts.py says why.
        "TRUSTED_HOST_NAMES": host_names(env("TRUSTED_HOSTS")),
        # Server-side sessions (services/sessions.py): an idle timeout and an absolute lifetime,
        # without and with "remember me", and how old a token gets before it is replaced on use.
        "SESSION_IDLE_SECONDS": int(env("SESSION_IDLE_SECONDS", str(12 * 3600))),
        "SESSION_LIFETIME_SECONDS": int(env("SESSION_LIFETIME_SECONDS", str(12 * 3600))),
        "REMEMBER_IDLE_SECONDS": int(env("REMEMBER_IDLE_SECONDS", str(30 * 86400))),
        "REMEMBER_LIFETIME_SECONDS": int(env("REMEMBER_LIFETIME_SECONDS", str(90 * 86400))),
        "SESSION_ROTATE_SECONDS": int(env("SESSION_ROTATE_SECONDS", "3600")),
        # A remembered session's cookie lasts as long as the session may; its content changes only
        # when the token does, and only then is it sent again (a response that re-sent the cookie
        # of a request in flight could give the browser back a replaced token).
        "SESSION_REFRESH_EACH_REQUEST": False,
        # Password guesses (services/login_throttle.py): per name, this many at once, then a wait
        # doubling from the base delay up to the max; per client, this many distinct names a window.
        "LOGIN_MAX_FAILURES": int(env("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_BASE_DELAY_SECONDS": float(env("LOGIN_BASE_DELAY_SECONDS", "60")),
        "LOGIN_MAX_DELAY_SECONDS": float(env("LOGIN_MAX_DELAY_SECONDS", "3600")),
        "LOGIN_MAX_FAILURES_PER_CLIENT": int(env("LOGIN_MAX_FAILURES_PER_CLIENT", "20")),
        "LOGIN_WINDOW_SECONDS": int(env("LOGIN_WINDOW_SECONDS", "900")),
        # Sign-ups per client (an address, an IPv6 /64), shared by every process.
        "SIGNUP_LIMIT": int(env("SIGNUP_LIMIT", "10")),
        "SIGNUP_WINDOW_SECONDS": int(env("SIGNUP_WINDOW_SECONDS", "3600")),
        # Flask-WTF: a form's token lives as long as the session (a form left open for hours still
        # sends); a token from another session is refused, and the form comes back with its text.
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_SERVER": env("MAIL_SERVER") or None,
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USERNAME": env("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": env("MAIL_USE_TLS", "0") == "1",
        "MAIL_FROM": env("MAIL_FROM", "photoshare <noreply@localhost>"),
        "MAIL_TIMEOUT": float(env("MAIL_TIMEOUT", "10")),
        # Links in mail are absolute: this site's address as its users reach it (unset: the request's own).
        "PUBLIC_URL": (env("PUBLIC_URL") or "").rstrip("/") or None,
        "FEED_PAGE_SIZE": 20,
        # Accounts with this many followers become pull accounts (README, "The home feed").
        "FEED_PULL_THRESHOLD": int(env("FEED_PULL_THRESHOLD", "10000")),
        "WORKER_CONCURRENCY": int(env("WORKER_CONCURRENCY", "2")),
        "WORKER_HEARTBEAT_SECONDS": float(env("WORKER_HEARTBEAT_SECONDS", "10")),
        "WORKER_STALLED_SECONDS": float(env("WORKER_STALLED_SECONDS", "30")),
        "MEDIA_GC_GRACE_SECONDS": int(env("MEDIA_GC_GRACE_SECONDS", "3600")),
    }
