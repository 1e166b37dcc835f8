"""The SMTP sink of bench/bulletin_fanout.py: an aiosmtpd handler in a child process (a separate
process, as a real mail server would be) that counts what it receives and spools it for the floor
run to replay, and ``SinkClient``, the parent's end of it. A helper module (not a bench), imported
like ``_common``; ``BenchFailure`` is here so that both can raise it.
"""

import json
import multiprocessing
import socket
import threading


class BenchFailure(SystemExit):
    def __init__(self, message):
        super().__init__(f"FAIL: {message}")


# --- The SMTP sink, in a child process ------------------------------------------------------------


class _Sink:
    """aiosmtpd handler: counts messages, bytes and recipients; spools what it receives to a file
    when asked (for the floor run to replay byte for byte)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset(None)

    def reset(self, spool_path):
        with self.lock:
            self.messages = 0
            self.bytes = 0
            self.recipients = []
            if getattr(self, "spool", None):
                self.spool.close()
            self.spool = open(spool_path, "wb") if spool_path else None  # noqa: SIM115

    def stats(self):
        with self.lock:
            if self.spool:
                self.spool.flush()
            return {
                "messages": self.messages,
                "bytes": self.bytes,
                "recipients": list(self.recipients),
            }

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content
        with self.lock:
            self.messages += 1
            self.bytes += len(data)
            self.recipients.extend(envelope.rcpt_tos)
            if self.spool:
                header = json.dumps([len(data), envelope.mail_from, envelope.rcpt_tos])
                self.spool.write(header.encode() + b"\n" + data)
        return "250 Message accepted"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_sink(conn):
    """Child process: run the sink and answer the parent's commands until told to stop."""
    from aiosmtpd.controller import Controller

    handler = _Sink()
    for _attempt in range(5):  # the free port may be taken between probing and binding
        controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
        try:
            controller.start()
            break
        except (OSError, RuntimeError):
            continue
    else:
        conn.send(("error", "the sink could not bind a port"))
        return
    conn.send(("port", controller.port))
    while True:
        command, argument = conn.recv()
        if command == "reset":
            handler.reset(argument)
            conn.send("ok")
        elif command == "stats":
            conn.send(handler.stats())
        else:
            handler.reset(None)
            controller.stop()
            conn.send("stopped")
            return


class SinkClient:
    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve_sink, args=(child,), daemon=True)
        self.process.start()
        kind, value = self.conn.recv()
        if kind != "port":
            raise BenchFailure(value)
        self.port = value

    def reset(self, spool_path=None):
        self.conn.send(("reset", str(spool_path) if spool_path else None))
        self.conn.recv()

    def stats(self):
        self.conn.send(("stats", None))
        return self.conn.recv()

    def stop(self):
        if self.process.is_alive():
            self.conn.send(("stop", None))
            self.conn.recv()
        self.process.join(timeout=10)


def read_spool(path):
    """The messages the sink received: [(mail_from, rcpt_tos, bytes)]."""
    messages = []
    with open(path, "rb") as spool:
        while header := spool.readline():
            size, mail_from, rcpt_tos = json.loads(header)
            messages.append((mail_from, rcpt_tos, spool.read(size)))
    return messages
