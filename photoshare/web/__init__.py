"""The web layer: blueprints, forms, templates and the glue every page shares."""

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """CSRF, log-in, headers, template helpers, error pages and every blueprint."""
    from photoshare.web import (
        auth,
        discovery,
        errorpages,
        follows,
        forms,
        health,
        media_routes,
        media_signing,
        posts,
        profiles,
        security,
        sessions,
        templating,
        uploads,
    )
    from photoshare.web.comments.routes import bp as comments_bp
    from photoshare.web.notifications import bp as notifications_bp
    from photoshare.web.urls import UsernameConverter

    app.url_map.converters["username"] = UsernameConverter
    # Before CSRFProtect's check, which is the first to read a form: an upload form's larger limit.
    uploads.init_app(app)
    csrf.init_app(app)
    forms.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errorpages.init_app(app)
    media_signing.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(media_routes.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(posts.bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(profiles.bp)
    app.register_blueprint(follows.bp)
    app.register_blueprint(discovery.bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(sessions.bp)
