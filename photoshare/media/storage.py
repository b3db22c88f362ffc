"""Storing and removing an image together with its renditions."""

from .images import ProcessedImage
from .keys import rendition_key
from .store import MediaStore
from .images import SPECS


def put_image(store: MediaStore, key: str, image: ProcessedImage) -> None:
    """Store the main file and every rendition; on failure, remove what was written."""
    written = []
    try:
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
                pass
        raise


def delete_image(store: MediaStore, key: str) -> None:
    """Delete an image and its renditions."""
    kind = key.split("/", 1)[0]
    store.delete_object(key)
    for width in SPECS[kind].renditions:
        store.delete_object(rendition_key(key, width))


def image_keys(key: str) -> list[str]:
    """The key and its renditions' keys (what media gc treats as referenced)."""
    kind = key.split("/", 1)[0]
    return [key] + [rendition_key(key, width) for width in SPECS.get(kind, SPECS["post"]).renditions]
