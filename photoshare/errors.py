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


class BadUpload(DomainError):
    """An upload that cannot be stored; the message says why, for the form field."""


class NotAnImage(BadUpload):
    """The upload is not a JPEG, PNG, GIF or WebP image we can decode."""


class ImageTooLarge(BadUpload):
    """The image's pixel count is over the limit (a decompression bomb)."""


class TooManyFiles(BadUpload):
    """Several files were sent in a field that takes one."""


class MediaNotFound(DomainError):
    """No stored object under this key."""


class StorageUnavailable(DomainError):
    """The media store cannot be reached."""


class MigrationChanged(Exception):
    """An applied migration file was edited afterwards."""
