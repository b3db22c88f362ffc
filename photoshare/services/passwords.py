"""Password hashing and checking."""

from werkzeug.security import check_password_hash, generate_password_hash

from photoshare.models import User

# Compared against when the login names nobody, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")


def hash_password(password: str) -> str:
    """A salted scrypt hash (Werkzeug's default)."""
    return generate_password_hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Whether password matches; takes as long when the user does not exist."""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password, password)
