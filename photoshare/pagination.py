"""Opaque keyset cursors over (created_at, id)."""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

# Sorts after every real row: the first page starts here.
_MAX_ID = 2**63 - 1


class BadCursor(ValueError):
    """The cursor in the URL is not one we issued."""


@dataclass(frozen=True, slots=True)
class Cursor:
    created_at: datetime
    id: int

    @classmethod
    def start(cls) -> "Cursor":
        """The cursor before the newest row."""
        return cls(datetime.max.replace(tzinfo=UTC), _MAX_ID)

    @classmethod
    def origin(cls) -> "Cursor":
        """The cursor after which every row comes: the first page of an oldest-first list."""
        return cls(datetime.min.replace(tzinfo=UTC), 0)

    @classmethod
    def after(cls, row) -> "Cursor":
        """The cursor that continues after this row (anything with created_at and id)."""
        return cls(row.created_at, row.id)

    def encode(self) -> str:
        """URL-safe text for ?before= (or ?after=)."""
        raw = f"{self.created_at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        """Parse ?before= (or ?after=); raises BadCursor on anything malformed."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            stamp, _, ident = raw.partition("|")
            created_at = datetime.fromisoformat(stamp)
            post_id = int(ident)
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise BadCursor(text) from exc
        if created_at.tzinfo is None or not 0 < post_id <= _MAX_ID:
            raise BadCursor(text)
        return cls(created_at, post_id)
