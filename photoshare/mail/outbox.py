"""The outbox: messages are composed in the request and delivered by a background thread of the process.

A request never waits for the mail server (sign-up stays quick when it is slow), and the forgotten-
password page answers as fast for an address with an account, which gets a mail, as for one
without. A message still queued when the process exits is delivered first (the executor's threads
are joined at exit). A message the server refuses is logged, not retried: a job queue would retry.
"""

import logging
import os
import smtplib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from email.message import EmailMessage

from photoshare.mail.transports import Transport

logger = logging.getLogger(__name__)


class Outbox:
    """Queues messages for one transport; one sending thread per process."""

    def __init__(self, transport: Transport):
        self.transport = transport
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._pid: int | None = None

    def send_later(self, message: EmailMessage) -> Future:
        """Queue a message; the future is done once it was handed over (or given up)."""
        return self._executor_of_this_process().submit(self._deliver, message)

    def _executor_of_this_process(self) -> ThreadPoolExecutor:
        # A forked worker does not inherit the parent's thread: it starts its own.
        with self._lock:
            if self._executor is None or self._pid != os.getpid():
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="photoshare-mail")
                self._pid = os.getpid()
            return self._executor

    def _deliver(self, message: EmailMessage) -> bool:
        try:
            self.transport.send(message)
        except (OSError, smtplib.SMTPException) as exc:
            logger.warning("mail %r to %s was not sent: %s", message["Subject"], message["To"], exc)
            return False
        return True

    def close(self) -> None:
        """Deliver what is queued, then stop the sending thread."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
