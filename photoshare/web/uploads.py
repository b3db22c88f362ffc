"""Reading the image a form uploaded: one file, within the account's upload rate, within
MAX_UPLOAD_MB, decoded (one of this process's decode slots, within MAX_DECODE_MB) and cleaned; and
answering a file over the limit with the form again, its text kept and the message at the file field.

A file over the limit was first refused with a bare 413 page, losing the caption typed beside it.
The browser now checks size and type before sending (static/uploads.js), and the server still
checks: for the upload forms of a logged-in user, a request body up to READ_FACTOR times the limit
is read in full (its text fields come after the file), so the form comes back with its text. A
larger body is refused from its length: the form comes back with the message but without the text,
which was never parsed.
"""

from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import Field

from photoshare.data.db import get_conn
from photoshare.errors import BadUpload, NotAnImage, TooManyFiles, UploadRateLimited, UploadRefused
from photoshare.media.decode_slots import DecodeSlots
from photoshare.media.images import ProcessedImage, process_image
from photoshare.services import rate_limits
from photoshare.web.auth.session import end_session
from photoshare.web.errorpages import discard_body, render_error
from photoshare.web.negotiation import wants_json

STORAGE_DOWN_MESSAGE = "Image storage is briefly unavailable, so nothing was saved. Please try again in a moment."
UPLOAD_SCOPE = "upload"
# How much larger than MAX_UPLOAD_MB an upload form's request may be and still be read for its text.
READ_FACTOR = 4
# The multipart envelope and the form's text fields, on top of the file.
FORM_MARGIN = 64 * 1024
ACCEPTED_TYPES = "image/jpeg,image/png,image/gif,image/webp"


class FileTooLarge(BadUpload):
    """The file is over MAX_UPLOAD_MB."""

    status = 413


def too_large_message() -> str:
    """What the file field says about a file over the limit."""
    return f"That file is too large. The limit is {current_app.config['MAX_UPLOAD_MB']} MB."


def largest_upload_body(config) -> int:
    """The largest request body an upload form reads (a proxy in front must take at least this)."""
    return READ_FACTOR * config["MAX_UPLOAD_MB"] * 1024 * 1024 + FORM_MARGIN


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
    """Decode and clean the file of a one-file form field; raises an UploadRefused with a user-facing
    message (and the status to answer with)."""
    # A hand-made request can repeat the field; taking the first file silently would store a
    # photo the person may not have meant.
    if len(request.files.getlist(field.name)) > 1:
        raise TooManyFiles("Choose one image.")
    file = field.data
    if file is None or not getattr(file, "filename", None):
        raise NotAnImage("Choose an image to upload.")
    config = current_app.config
    # Counted before the decode, which is what the limit protects; a refused upload is counted too.
    rate = rate_limits.Rate(config["UPLOAD_LIMIT"], config["UPLOAD_WINDOW_SECONDS"])
    wait = rate_limits.take(get_conn(), UPLOAD_SCOPE, str(current_user.id), rate)
    if wait is not None:
        raise UploadRateLimited(f"You have uploaded {rate.events} photos in a short time. Please wait "
                                f"{_duration(wait)} and try again.", retry_after=wait)
    limit = config["MAX_UPLOAD_MB"] * 1024 * 1024
    # One byte over the limit is enough to know.
    data = file.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(too_large_message())
    with current_app.extensions["decode_slots"].slot():
        return process_image(data, kind, max_decode_bytes=config["MAX_DECODE_MB"] * 1024 * 1024)


def storage_quota() -> int | None:
    """The bytes an account may store (STORAGE_QUOTA_MB; 0 means no quota)."""
    quota_mb = current_app.config["STORAGE_QUOTA_MB"]
    return quota_mb * 1024 * 1024 if quota_mb else None


def refused(page, exc: UploadRefused):
    """The form page again, answered with the refusal's status (and Retry-After when it has one)."""
    body, _status = page if isinstance(page, tuple) else (page, None)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}
    return body, exc.status, headers


def account_gone():
    """The answer to an upload whose account was deleted meanwhile (in another tab, say): nothing
    was kept, and the session ends with the account."""
    end_session()
    return render_error(403, "This account has been deleted, so nothing was saved.")


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _upload_view() -> Callable | None:
    view = current_app.view_functions.get(request.endpoint or "")
    return view if getattr(view, "accepts_upload", False) else None


def _read_limit_for_uploads() -> None:
    # Registered before CSRFProtect's check, which is the first to read the form. Only a logged-in
    # user's upload gets the larger limit: nobody else can post a photo, so nobody else needs it.
    if request.method == "POST" and _upload_view() is not None and current_user.is_authenticated:
        request.max_content_length = largest_upload_body(current_app.config)


def init_app(app: Flask) -> None:
    """This process's decode slots (DECODE_CONCURRENCY, waiting at most DECODE_WAIT_SECONDS), the
    larger limit for upload forms (before CSRF reads the form) and the 413 that re-renders them."""
    app.extensions["decode_slots"] = DecodeSlots(app.config["DECODE_CONCURRENCY"], app.config["DECODE_WAIT_SECONDS"])
    app.before_request(_read_limit_for_uploads)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge):
        # Read the refused body first, as for every 413 (web/errorpages.py says why).
        discard_body(request.max_content_length or app.config["MAX_CONTENT_LENGTH"])
        view = _upload_view()
        if view is None or wants_json() or not current_user.is_authenticated:
            return render_error(413, too_large_message())
        # The body was not parsed, so the form is empty: the view renders it with the message (and
        # stores nothing: refused_upload() stops it before it reads anything).
        g.upload_refused = True
        request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
        response = app.make_response(app.ensure_sync(view)(**(request.view_args or {})))
        response.status_code = 413
        return response
