"""Reading the image a form uploaded: one file, within the account's upload rate, within
MAX_UPLOAD_MB, decoded (one of this process's decode slots, within MAX_DECODE_MB) and cleaned."""

from flask import Flask, abort, current_app, request
from flask_login import current_user
from wtforms import Field

from photoshare.data.db import get_conn
from photoshare.errors import NotAnImage, TooManyFiles, UploadRateLimited, UploadRefused
from photoshare.media.decode_slots import DecodeSlots
from photoshare.media.images import ProcessedImage, process_image
from photoshare.services import rate_limits
from photoshare.web.auth.session import end_session
from photoshare.web.errorpages import render_error

STORAGE_DOWN_MESSAGE = "Image storage is briefly unavailable, so nothing was saved. Please try again in a moment."
UPLOAD_SCOPE = "upload"


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
    # One byte over the limit is enough to know; the request body limit has a margin for the form.
    data = file.read(limit + 1)
    if len(data) > limit:
        abort(413)
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


def init_app(app: Flask) -> None:
    """This process's decode slots (DECODE_CONCURRENCY, waiting at most DECODE_WAIT_SECONDS)."""
    app.extensions["decode_slots"] = DecodeSlots(app.config["DECODE_CONCURRENCY"], app.config["DECODE_WAIT_SECONDS"])
