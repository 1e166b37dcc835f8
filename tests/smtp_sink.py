"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 that keeps every message it accepts.

It can refuse a recipient with 451 a number of times (or always) or with 550 always, drop the
connection at the n-th message (before or after storing it), hold the n-th message after storing it
without answering (so a worker can be killed while it waits for the reply), and answer slowly.
Everything it is told and everything it records is guarded by one lock: the server runs in its own
thread and event loop, the test and the workers in others.
"""

import asyncio
import email
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email import policy

from aiosmtpd.controller import Controller

from tests.ports import free_ports

HOST = "127.0.0.1"
TEMPORARY = "451 4.3.0 Mailbox busy, try again later"
PERMANENT = "550 5.1.1 No such mailbox here"


@dataclass(frozen=True)
class Received:
    rcpt_tos: tuple
    content: bytes
    peer: tuple  # the client's (address, port): one per SMTP connection

    def parsed(self):
        return email.message_from_bytes(self.content, policy=policy.default)


class SmtpSink:
    """Use as a context manager; `port` is free once it has started."""

    def __init__(self, port=None):
        """``port``: listen there (a test brings the mail server back where it was)."""
        self._wanted_port = port
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._messages = []
        self._rcpt_attempts = Counter()
        self._temporary = {}  # address → refusals left; None: refuse always
        self._permanent = set()
        self._arrivals = 0  # DATA commands seen, stored or not
        self._drop_at = None  # (n, after_storing)
        self._hold_at = None
        self.held = threading.Event()
        self.delay = 0.0  # seconds before answering each DATA
        self.controller = None
        self.port = None

    # --- what the test tells it --------------------------------------------------------------

    def refuse_temporarily(self, address, times=None):
        """451 for the first `times` RCPT TO of this address (always when None)."""
        with self._lock:
            self._temporary[address.lower()] = times

    def refuse_permanently(self, address):
        with self._lock:
            self._permanent.add(address.lower())

    def drop_connection_at(self, n, *, after_storing):
        """Abort the TCP connection at the n-th message instead of answering its DATA; with
        `after_storing` the message is kept first (the client cannot know it arrived)."""
        with self._lock:
            self._drop_at = (n, after_storing)

    def hold_at(self, n):
        """Keep the n-th message, set `held`, and never answer it."""
        with self._lock:
            self._hold_at = n

    # --- what the test reads -----------------------------------------------------------------

    @property
    def messages(self) -> list:
        with self._lock:
            return list(self._messages)

    def recipients(self) -> list:
        return [address for message in self.messages for address in message.rcpt_tos]

    def rcpt_attempts(self, address) -> int:
        with self._lock:
            return self._rcpt_attempts[address.lower()]

    def wait_for(self, count, timeout=30.0) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._messages) >= count, timeout)

    # --- aiosmtpd hooks ----------------------------------------------------------------------

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        key = address.lower()
        with self._lock:
            self._rcpt_attempts[key] += 1
            if key in self._permanent:
                return PERMANENT
            if key in self._temporary:
                left = self._temporary[key]
                if left is None:
                    return TEMPORARY
                if left > 0:
                    self._temporary[key] = left - 1
                    return TEMPORARY
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        received = Received(tuple(envelope.rcpt_tos), envelope.original_content, session.peer)
        with self._changed:
            self._arrivals += 1
            drop = self._drop_at is not None and self._drop_at[0] == self._arrivals
            hold = self._hold_at == self._arrivals
            if not drop or self._drop_at[1]:
                self._messages.append(received)
                self._changed.notify_all()
        if drop or hold:
            if hold:
                self.held.set()
            else:
                server.transport.abort()
            # Losing the connection cancels this coroutine: no answer ever goes out.
            await asyncio.sleep(3600)
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK: queued"

    # --- running -----------------------------------------------------------------------------

    def __enter__(self):
        error = None
        for _attempt in range(5):  # the free port may be taken between finding and binding it
            port = self._wanted_port or free_ports(1, HOST)[0]
            controller = Controller(self, hostname=HOST, port=port)
            try:
                controller.start()
            except OSError as exc:
                error = exc
                time.sleep(0.1)
                continue
            self.controller, self.port = controller, controller.port
            return self
        raise RuntimeError(f"the SMTP sink could not start: {error}")

    def __exit__(self, *exc_info):
        self.held.set()
        self.controller.stop()
