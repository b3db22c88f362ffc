"""Profile pages and account settings."""

from .routes import bp

__all__ = ["bp"]
