"""GET /media/<key>: stored images from whichever backend, cacheable forever."""

from flask import Blueprint, Response, abort, current_app, redirect, request

from .errors import MediaNotFound
from .media.keys import is_valid_key
from .media.store import get_store

bp = Blueprint("media", __name__)

# Keys are never reused, so an object never changes under its URL.
IMMUTABLE = "public, max-age=31536000, immutable"


@bp.get("/media/<path:key>")
def serve(key: str):
    """Stream an object with its type, validators and long-lived caching."""
    if not is_valid_key(key):
        abort(404)
    store = get_store()
    if current_app.config.get("S3_PRESIGNED_REDIRECT") and hasattr(store, "presigned_url"):
        response = redirect(store.presigned_url(key), code=302)
        response.headers["Cache-Control"] = "private, max-age=300"
        return response
    try:
        obj = store.get_object(key)
    except MediaNotFound:
        abort(404)
    response = Response(obj.body, mimetype=obj.content_type, direct_passthrough=True)
    response.content_length = obj.content_length
    response.set_etag(obj.etag)
    response.last_modified = obj.last_modified
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response = response.make_conditional(request)
    if response.status_code == 304:
        obj.body.close()
    return response
