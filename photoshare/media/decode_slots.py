"""How many images one process decodes at once: each decode may take up to MAX_DECODE_MB, so the
number of them, not the number of requests, bounds a worker's memory."""

import math
import threading
from contextlib import contextmanager

from photoshare.errors import DecoderBusy


class DecodeSlots:
    """At most `count` decodes at a time in this process; a caller waits at most `wait_seconds`."""

    def __init__(self, count: int, wait_seconds: float):
        self._slots = threading.BoundedSemaphore(count)
        self.wait_seconds = wait_seconds

    @contextmanager
    def slot(self):
        """Hold a slot for the duration; raises DecoderBusy when none frees up in time."""
        if not self._slots.acquire(timeout=self.wait_seconds):
            raise DecoderBusy("photoshare is processing many photos right now, so this one was not saved. "
                              "Please try again in a moment.", retry_after=max(1, math.ceil(self.wait_seconds)))
        try:
            yield
        finally:
            self._slots.release()
