"""The account's active sessions: /settings/sessions."""

from photoshare.web.sessions.routes import bp

__all__ = ["bp"]
