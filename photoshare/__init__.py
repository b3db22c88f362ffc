"""photoshare: a photo-sharing web app on Flask, PostgreSQL and an object store."""

from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import db
from .media import store as media_store

csrf = CSRFProtect()


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by `config` (tests)."""
    instance_path = (config or {}).get("INSTANCE_PATH") or config_module.instance_path()
    app = Flask(__name__, instance_path=str(instance_path))
    app.config.update(config_module.from_environment(Path(app.instance_path)))
    app.config.update(config or {})

    from .embedded import embedded_database_url
    from .migrate import upgrade

    app.config["DATABASE_EMBEDDED"] = app.config["DATABASE_URL"] is None
    if app.config["DATABASE_EMBEDDED"]:
        app.config["DATABASE_URL"] = embedded_database_url(Path(app.instance_path))
        # The embedded database is ours alone: keep its schema current on start.
        upgrade(app.config["DATABASE_URL"], log=lambda _msg: None)

    db.init_app(app, db.create_pool(
        app.config["DATABASE_URL"],
        min_size=app.config["DB_POOL_MIN_SIZE"],
        max_size=app.config["DB_POOL_MAX_SIZE"],
        timeout=app.config["DB_POOL_TIMEOUT"],
    ))
    media_store.init_app(app, media_store.create_store(app.config))
    csrf.init_app(app)

    from . import auth, errorpages, health, media_routes, posts, profiles, security, templating
    from .cli import register_cli

    auth.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errorpages.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(media_routes.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(posts.bp)
    app.register_blueprint(profiles.bp)
    register_cli(app)
    if app.config["TRUST_PROXY_HEADERS"]:
        # One proxy hop: the client address and scheme it saw, for the throttle and Secure cookies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    return app
