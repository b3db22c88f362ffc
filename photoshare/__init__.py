"""photoshare: a photo-sharing web app on Flask, PostgreSQL and an object store."""

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from photoshare import config as config_module
from photoshare.data import db
from photoshare.mail import factory as mail_factory
from photoshare.mail.outbox import Outbox
from photoshare.media import factory as media_factory


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by `config` (tests).

    Nothing acts on the settings before the overrides apply: a test's SECRET_KEY and
    DATABASE_URL mean no key file is written and no embedded database is started.
    """
    settings = config_module.from_environment()
    settings.update(config or {})
    app = Flask(__name__, instance_path=str(Path(settings["INSTANCE_PATH"]).resolve()),
                template_folder="web/templates", static_folder="web/static")
    app.config.update(settings)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config_module.generated_secret_key(Path(app.instance_path))

    app.config["DATABASE_EMBEDDED"] = app.config["DATABASE_URL"] is None
    if app.config["DATABASE_EMBEDDED"]:
        from photoshare.data.embedded import embedded_database_url, warn_of_pending_migrations

        app.config["DATABASE_URL"] = embedded_database_url(Path(app.instance_path))
        # Not migrated here, where nobody would see what was applied: `flask db upgrade` and
        # `flask serve` (make run) do it and say so. A forgotten upgrade is pointed out, once.
        warn_of_pending_migrations(app)

    db.init_app(app, db.create_pool(
        app.config["DATABASE_URL"],
        min_size=app.config["DB_POOL_MIN_SIZE"],
        max_size=app.config["DB_POOL_MAX_SIZE"],
        timeout=app.config["DB_POOL_TIMEOUT"],
    ))
    media_factory.init_app(app, media_factory.create_store(app.config))
    mail_factory.init_app(app, Outbox(mail_factory.create_transport(app.config)))

    from photoshare import web
    from photoshare.cli import register_cli
    from photoshare.web.hosts import TrustedHostMiddleware

    web.init_app(app)
    register_cli(app)
    if app.config["TRUST_PROXY_HEADERS"]:
        # One proxy hop: the client address and scheme it saw, for the throttle and Secure cookies.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    # Outermost: a request for an unknown host is refused before anything else looks at it.
    app.wsgi_app = TrustedHostMiddleware(app.wsgi_app, app.config["TRUSTED_HOST_NAMES"])
    return app
