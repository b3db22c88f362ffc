"""The local backend: objects are files under MEDIA_ROOT/<key>."""

import errno
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from photoshare.errors import MediaNotFound, StorageUnavailable
from photoshare.media.keys import InvalidKey
from photoshare.media.store import ObjectInfo, StoredObject

_CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}
_CHUNK = 64 * 1024

# Files are world-readable like any web asset (mkstemp would leave them 0600).
_FILE_MODE = 0o644


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the directory entry itself is on disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalMediaStore:
    """Files under a root folder, written atomically (temporary file, then rename)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        # Refused before touching the disk: traversal, absolute paths, backslashes, NUL.
        if (not key or "\x00" in key or "\\" in key or key.startswith("/")
                or any(part in ("", ".", "..") for part in key.split("/"))):
            raise InvalidKey(key)
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise InvalidKey(key)
        return path

    def put_object(self, key: str, data: bytes, content_type: str) -> None:
        """Write the file atomically: readers see the whole object or none."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    os.fchmod(f.fileno(), _FILE_MODE)
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
                _fsync_dir(path.parent)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def get_object(self, key: str) -> StoredObject:
        """Open the file for streaming; raises MediaNotFound."""
        try:
            path = self._path(key)
            f = open(path, "rb")
        except (InvalidKey, FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise MediaNotFound(key) from exc
        st = os.fstat(f.fileno())
        etag = hashlib.sha256(f"{key}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:32]

        def body() -> Iterator[bytes]:
            with f:
                while chunk := f.read(_CHUNK):
                    yield chunk

        return StoredObject(
            body=body(),
            content_type=_CONTENT_TYPES.get(key.rpartition(".")[2], "application/octet-stream"),
            content_length=st.st_size,
            last_modified=datetime.fromtimestamp(st.st_mtime, UTC),
            etag=etag,
        )

    def delete_object(self, key: str) -> None:
        """Remove the file if it is there."""
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def copy(self, key_from: str, key_to: str) -> None:
        """A hard link to the same file (no bytes copied); a real copy where links run out."""
        source, target = self._path(key_from), self._path(key_to)
        if not source.is_file():
            raise MediaNotFound(key_from)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # keys are never reused; a leftover is replaced
            try:
                os.link(source, target)
            except OSError as exc:
                # EMLINK: the file has as many links as the file system allows (65,000 on ext4).
                if exc.errno not in (errno.EMLINK, errno.EXDEV, errno.EPERM):
                    raise
                shutil.copyfile(source, target)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc

    def redirect_url(self, key: str) -> str | None:
        """Never: files are served through the app."""
        return None

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        try:
            return self._path(key).is_file()
        except InvalidKey:
            return False

    def list_objects(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every file under root/prefix, temporary files excluded."""
        base = self._path(prefix.rstrip("/"))
        if not base.is_dir():
            return
        for path in base.rglob("*"):
            if path.name.startswith(".tmp-"):
                continue
            try:
                st = path.stat()
            except FileNotFoundError:
                continue  # deleted while we were listing
            if stat.S_ISREG(st.st_mode):
                yield ObjectInfo(
                    key=path.relative_to(self.root).as_posix(),
                    last_modified=datetime.fromtimestamp(st.st_mtime, UTC),
                )

    def check(self) -> None:
        """The root must exist (created if needed) and be writable."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc
        if not os.access(self.root, os.W_OK):
            raise StorageUnavailable(f"{self.root} is not writable")
