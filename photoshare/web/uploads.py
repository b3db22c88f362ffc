"""Reading the image a form uploaded: one file, within MAX_UPLOAD_MB, decoded and cleaned."""

from flask import abort, current_app, request
from wtforms import Field

from photoshare.errors import NotAnImage, TooManyFiles
from photoshare.media.images import ProcessedImage, process_image

STORAGE_DOWN_MESSAGE = "Image storage is briefly unavailable, so nothing was saved. Please try again in a moment."


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
    # One byte over the limit is enough to know; the request body limit has a margin for the form.
    data = file.read(limit + 1)
    if len(data) > limit:
        abort(413)
    return process_image(data, kind)
