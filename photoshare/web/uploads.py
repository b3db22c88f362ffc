"""Reading the image a form uploaded (one file, within MAX_UPLOAD_MB, decoded and cleaned), and answering
a file over the limit with the form again, its text kept and the message at the file field.

A file over the limit was first refused with a bare 413 page, losing the caption typed beside it.
The browser now checks size and type before sending (static/uploads.js), and the server still
checks: for the upload forms of a logged-in user, a request body up to READ_FACTOR times the limit
is read in full (its text fields come after the file), so the form comes back with its text. A
larger body is refused from its length, unread: the form comes back with the message but without
the text, which was never read.
"""

from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import Field

from photoshare.errors import BadUpload, NotAnImage, TooManyFiles
from photoshare.media.images import ProcessedImage, process_image
from photoshare.web.errorpages import render_error
from photoshare.web.negotiation import wants_json

STORAGE_DOWN_MESSAGE = "Image storage is briefly unavailable, so nothing was saved. Please try again in a moment."
# How much larger than MAX_UPLOAD_MB an upload form's request may be and still be read for its text.
READ_FACTOR = 4
# The multipart envelope and the form's text fields, on top of the file.
FORM_MARGIN = 64 * 1024
ACCEPTED_TYPES = "image/jpeg,image/png,image/gif,image/webp"


class FileTooLarge(BadUpload):
    """The file is over MAX_UPLOAD_MB (a 413, not a 400)."""


def too_large_message() -> str:
    """What the file field says about a file over the limit."""
    return f"That file is too large. The limit is {current_app.config['MAX_UPLOAD_MB']} MB."


def status_of(exc: BadUpload) -> int:
    """The HTTP status of a refused upload."""
    return 413 if isinstance(exc, FileTooLarge) else 400


def accepts_upload(view: Callable) -> Callable:
    """Mark a form view that takes a file: its requests may be larger, and a refused one re-renders it.

    The view must call `refused_upload(field)` before anything else reads its form.
    """
    view.accepts_upload = True
    return view


def refused_upload(field: Field) -> bool:
    """True (with the message at `field`) when this request's body was too large to read."""
    if g.get("upload_refused"):
        field.errors = [*field.errors, too_large_message()]
        return True
    return False


def read_upload(field: Field, kind: str) -> ProcessedImage:
    """Decode and clean the file of a one-file form field; raises a BadUpload with a user-facing message."""
    # A hand-made request can repeat the field; taking the first file silently would store a
    # photo the person may not have meant.
    if len(request.files.getlist(field.name)) > 1:
        raise TooManyFiles("Choose one image.")
    file = field.data
    if file is None or not getattr(file, "filename", None):
        raise NotAnImage("Choose an image to upload.")
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    # One byte over the limit is enough to know.
    data = file.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(too_large_message())
    return process_image(data, kind)


def _upload_view() -> Callable | None:
    view = current_app.view_functions.get(request.endpoint or "")
    return view if getattr(view, "accepts_upload", False) else None


def _read_limit_for_uploads() -> None:
    # Registered before CSRFProtect's check, which is the first to read the form. Only a logged-in
    # user's upload gets the larger limit: nobody else can post a photo, so nobody else needs it.
    if request.method == "POST" and _upload_view() is not None and current_user.is_authenticated:
        request.max_content_length = READ_FACTOR * current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024 + FORM_MARGIN


def init_app(app: Flask) -> None:
    """The larger limit for upload forms (before CSRF reads the form) and the 413 that re-renders them."""
    app.before_request(_read_limit_for_uploads)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge):
        view = _upload_view()
        if view is None or wants_json() or not current_user.is_authenticated:
            return render_error(413, too_large_message())
        # The body was not read, so the form is empty: the view renders it with the message (and
        # stores nothing: refused_upload() stops it before it reads anything).
        g.upload_refused = True
        request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
        response = app.make_response(app.ensure_sync(view)(**(request.view_args or {})))
        response.status_code = 413
        return response
