"""The tokens of mailed links: random, and known to the database only by their SHA-256."""

import hashlib
import secrets

# Most mail a person can get of one kind in an hour, whoever asks for it.
MAX_MAILS_PER_HOUR = 5


def new_token() -> tuple[str, bytes]:
    """A fresh token for a link (256 random bits, URL-safe) and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> bytes:
    """The stored form of a token. A plain SHA-256 is enough: the token is random, not a password."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()
