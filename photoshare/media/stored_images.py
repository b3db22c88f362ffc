"""An image and its renditions in a store: their keys, storing them together, removing them together."""

import logging
from collections.abc import Iterable

from photoshare.media.images import SPECS, ProcessedImage
from photoshare.media.keys import kind_of, rendition_key
from photoshare.media.store import MediaStore

log = logging.getLogger(__name__)


def image_keys(key: str) -> list[str]:
    """The key and its renditions' keys (what media gc treats as referenced)."""
    return [key] + [rendition_key(key, width) for width in SPECS[kind_of(key)].renditions]


def put_image(store: MediaStore, key: str, image: ProcessedImage) -> None:
    """Store every rendition, then the main file; on failure, remove what was written."""
    written = []
    try:
        # The main key last: once it exists, so do its renditions.
        for width, encoded in image.renditions.items():
            rkey = rendition_key(key, width)
            store.put_object(rkey, encoded.data, image.content_type)
            written.append(rkey)
        store.put_object(key, image.main.data, image.content_type)
    except Exception:
        for rkey in written:
            try:
                store.delete_object(rkey)
            except Exception:  # noqa: BLE001 - best effort; media gc sweeps the rest
                log.warning("could not remove rendition %s after a failed upload", rkey)
        raise


def delete_image(store: MediaStore, key: str) -> None:
    """Delete an image and its renditions (the main key first, so a half-done delete is no longer served)."""
    for k in image_keys(key):
        store.delete_object(k)


def delete_images_quietly(store: MediaStore, keys: Iterable[str]) -> None:
    """Delete images after their rows are gone; a failure is logged and left to media gc."""
    for key in keys:
        try:
            delete_image(store, key)
        except Exception:  # noqa: BLE001 - the rows are gone; media gc removes the leftovers
            log.exception("could not delete media %s; media gc will remove it", key)
