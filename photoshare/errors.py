"""Domain errors: each says what happened."""


class DomainError(Exception):
    """Base of the errors that views turn into a message for the user."""


class UsernameTaken(DomainError):
    """Another account has this username (in any case)."""


class EmailTaken(DomainError):
    """Another account has this email (in any case)."""


class InvalidUsername(DomainError):
    """The username breaks the rule: 1-30 letters, digits, _ and ., no dot at either end, never two in a row."""


class ProfileExists(DomainError):
    """The user already has a profile (profile is 1:1 with users)."""


class UserNotFound(DomainError):
    """No such user."""


class CannotFollowSelf(DomainError):
    """An account cannot follow itself."""


class PostNotFound(DomainError):
    """No such post."""


class UploadRefused(DomainError):
    """An upload that is not stored; the message says why, for the form field, `status` is the
    HTTP status to answer and `retry_after` (seconds, or None) when trying again makes sense."""

    status = 400

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class BadUpload(UploadRefused):
    """An upload that cannot be stored as it is (not an image, too many pixels, ...)."""


class NotAnImage(BadUpload):
    """The upload is not a JPEG, PNG, GIF or WebP image we can decode."""


class ImageTooLarge(BadUpload):
    """The image's pixel count is over the limit (a decompression bomb)."""


class TooManyFiles(BadUpload):
    """Several files were sent in a field that takes one."""


class ImageTooCostly(BadUpload):
    """Decoding the image would take more memory than one decode may use (MAX_DECODE_MB)."""


class QuotaExceeded(UploadRefused):
    """Storing the image would take the account over its storage quota (STORAGE_QUOTA_MB)."""

    status = 413


class UploadRateLimited(UploadRefused):
    """The account uploaded as much as it may for now (UPLOAD_LIMIT per UPLOAD_WINDOW_SECONDS)."""

    status = 429


class DecoderBusy(UploadRefused):
    """Every decode slot of this process stayed busy for DECODE_WAIT_SECONDS; nothing was read."""

    status = 503


class MediaNotFound(DomainError):
    """No stored object under this key."""


class StorageUnavailable(DomainError):
    """The media store cannot be reached."""


class MigrationChanged(Exception):
    """An applied migration file was edited afterwards."""
