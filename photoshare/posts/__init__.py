"""The feed, posts and likes."""

from .routes import bp

__all__ = ["bp"]
