"""GET /media/<key>?expires=…&sig=…: stored images from whichever backend, for whoever holds a
signed URL (web/media_signing.py), cached no longer than the URL is valid."""

import time

from flask import Blueprint, Response, abort, current_app, redirect, request

from photoshare.errors import MediaNotFound
from photoshare.media.factory import get_store
from photoshare.media.images import CONTENT_TYPES
from photoshare.media.keys import is_valid_key
from photoshare.web.media_signing import signer

bp = Blueprint("media", __name__)


def _cache_control(seconds_left: int) -> str:
    # private: only the browser that got the URL keeps the photo, and only while the URL is valid,
    # so a deleted photo (or one its viewer may no longer see) is gone from every cache by then.
    # A key is never reused, so within that time the bytes never change (immutable).
    return f"private, max-age={seconds_left}, immutable"


def _redirect(url: str, seconds_left: int):
    response = redirect(url, code=302)
    # The redirect may be reused only while both it and the URL it points to are valid.
    expires = current_app.config.get("S3_PRESIGNED_EXPIRES", 300)
    response.headers["Cache-Control"] = f"private, max-age={max(min(expires // 2, seconds_left), 0)}"
    return response


@bp.get("/media/<path:key>")
def serve(key: str):
    """Stream an object with its type and validators (or redirect to the store), if the URL is signed."""
    if not is_valid_key(key):
        abort(404)
    # Checked before the store is asked, so an unsigned request cannot learn whether a key exists.
    seconds_left = signer().seconds_left(key, request.args.get("expires"), request.args.get("sig"), time.time())
    if seconds_left is None:
        abort(403)
    store = get_store()
    try:
        url = store.redirect_url(key)
        if url is not None:
            return _redirect(url, seconds_left)
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
    response.headers["Cache-Control"] = _cache_control(seconds_left)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response = response.make_conditional(request)
    if response.status_code == 304:
        obj.body.close()
    return response
