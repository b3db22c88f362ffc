"""GET /healthz: is the database reachable, is the media store usable."""

from flask import Blueprint, current_app, jsonify

from photoshare.data.queries import queries
from photoshare.errors import StorageUnavailable
from photoshare.media.factory import get_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """JSON status of the database and the store; 503 when either is down."""
    status = {"database": "ok", "storage": "ok"}
    try:
        # The pool's own timeout (DB_POOL_TIMEOUT): a health check waits no longer than a page.
        with current_app.extensions["db_pool"].connection() as conn:
            queries.ping(conn)
    except Exception:  # noqa: BLE001 - any failure means "down"; details go to the log
        current_app.logger.exception("health check: database")
        status["database"] = "down"
    try:
        get_store().check()
    except StorageUnavailable:
        current_app.logger.exception("health check: storage")
        status["storage"] = "down"
    code = 200 if all(v == "ok" for v in status.values()) else 503
    return jsonify(status), code
