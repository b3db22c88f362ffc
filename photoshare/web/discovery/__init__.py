"""Discovery: tag pages and search."""

from photoshare.web.discovery.routes import bp

__all__ = ["bp"]
