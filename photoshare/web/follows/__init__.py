"""Following: follow and unfollow buttons, followers and following lists."""

from photoshare.web.follows.routes import bp

__all__ = ["bp"]
