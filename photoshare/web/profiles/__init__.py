"""Profile pages and account settings."""

from photoshare.web.profiles.routes import bp

__all__ = ["bp"]
