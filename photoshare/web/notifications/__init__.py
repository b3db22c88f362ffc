"""Notifications: the /notifications page (the navigation's badge reads the session's user)."""

from photoshare.web.notifications.routes import bp

__all__ = ["bp"]
