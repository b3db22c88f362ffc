"""GET /media/<key>: stored images from whichever backend, cacheable forever."""

from flask import Blueprint, Response, abort, current_app, redirect, request

from photoshare.errors import MediaNotFound
from photoshare.media.factory import get_store
from photoshare.media.images import CONTENT_TYPES
from photoshare.media.keys import is_valid_key

bp = Blueprint("media", __name__)

# Keys are never reused, so an object never changes under its URL.
IMMUTABLE = "public, max-age=31536000, immutable"


def _redirect(url: str):
    response = redirect(url, code=302)
    # The redirect may be reused only while the URL it points to is still valid.
    expires = current_app.config.get("S3_PRESIGNED_EXPIRES", 300)
    response.headers["Cache-Control"] = f"private, max-age={max(expires // 2, 0)}"
    return response


@bp.get("/media/<path:key>")
def serve(key: str):
    """Stream an object with its type, validators and long-lived caching (or redirect to the store)."""
    if not is_valid_key(key):
        abort(404)
    store = get_store()
    try:
        url = store.redirect_url(key)
        if url is not None:
            return _redirect(url)
        obj = store.get_object(key)
    except MediaNotFound:
        abort(404)
    # The type follows from the key's extension, whatever metadata the object carries:
    # nothing under /media/ is ever served as HTML.
    content_type = CONTENT_TYPES[key.rpartition(".")[2]]
    response = Response(obj.body, mimetype=content_type, direct_passthrough=True)
    response.content_length = obj.content_length
    response.set_etag(obj.etag)
    response.last_modified = obj.last_modified
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response = response.make_conditional(request)
    if response.status_code == 304:
        obj.body.close()
    return response
