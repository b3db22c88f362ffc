"""The feed, posts and likes."""

from photoshare.web.posts.routes import bp

__all__ = ["bp"]
