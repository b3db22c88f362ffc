"""Reading an uploaded file and storing it as a media object, in an order that loses nothing."""

from werkzeug.datastructures import FileStorage

from .errors import ImageTooLarge, NotAnImage
from .media.images import ProcessedImage, process_image


def read_upload(file: FileStorage | None, kind: str) -> ProcessedImage:
    """Decode and clean an upload; raises NotAnImage or ImageTooLarge with a user-facing message."""
    if file is None or not file.filename:
        raise NotAnImage("Choose an image to upload.")
    return process_image(file.read(), kind)


__all__ = ["read_upload", "NotAnImage", "ImageTooLarge"]
