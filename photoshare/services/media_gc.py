"""media gc: find and delete stored objects that no row refers to (the store's listing against the rows)."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import psycopg

from photoshare.media.keys import KINDS, main_key
from photoshare.media.store import MediaStore, ObjectInfo
from photoshare.media.stored_images import image_keys
from photoshare.repositories import MediaRepository

BATCH_SIZE = 1000


def _unreferenced(conn: psycopg.Connection, batch: list[ObjectInfo]) -> Iterator[ObjectInfo]:
    """The objects of a batch that no row refers to, asked of the database in one query."""
    mains = sorted({main_key(obj.key) for obj in batch})
    referenced = MediaRepository(conn).referenced(mains)
    for obj in batch:
        main = main_key(obj.key)
        # A rendition counts only if the pipeline still makes that width.
        if main in referenced and obj.key in image_keys(main):
            continue
        yield obj


def _old_objects(store: MediaStore, cutoff: datetime) -> Iterator[ObjectInfo]:
    for kind in KINDS:
        for obj in store.list_objects(f"{kind}/"):
            # Younger objects may belong to an upload whose row is not committed yet.
            if obj.last_modified <= cutoff:
                yield obj


def find_orphans(store: MediaStore, conn: psycopg.Connection, grace_seconds: int,
                 now: datetime | None = None, batch_size: int = BATCH_SIZE) -> Iterator[ObjectInfo]:
    """Objects older than the grace period that no post or profile refers to.

    Memory and queries stay bounded at any scale: the store's listing is streamed and
    checked against the database one batch (one query) at a time.
    """
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=grace_seconds)
    batch: list[ObjectInfo] = []
    for obj in _old_objects(store, cutoff):
        batch.append(obj)
        if len(batch) >= batch_size:
            yield from _unreferenced(conn, batch)
            batch = []
    if batch:
        yield from _unreferenced(conn, batch)


def collect_garbage(store: MediaStore, conn: psycopg.Connection, grace_seconds: int, apply: bool,
                    echo: Callable[[str], None] = print, now: datetime | None = None) -> int:
    """Print (and with apply, delete) every orphan; returns how many there were."""
    count = 0
    for obj in find_orphans(store, conn, grace_seconds, now=now):
        when = obj.last_modified.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if apply:
            store.delete_object(obj.key)
            echo(f"deleted {obj.key} ({when})")
        else:
            echo(f"would delete {obj.key} ({when})")
        count += 1
    return count

