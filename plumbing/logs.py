"""Structured logging: one JSON object per line, each carrying the id of its request or task.

The request id comes from the reverse proxy (nginx's ``$request_id`` in ``X-Request-ID``) when it
looks like one, otherwise it is made here; it is returned in the response's ``X-Request-ID`` so a
person reporting a problem can quote it. Celery tasks log under their task id.

Log lines must not carry personal data: the code logs ids, never names or addresses, and the
request log leaves out query strings (a gallery search holds a name). As a second line of defence
the formatter blots out email addresses and long hexadecimal tokens (private file names, session
keys, invitation tokens) wherever they turn up, tracebacks included.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
from datetime import UTC, datetime

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("kvo_request_id", default="-")

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HEX_TOKEN = re.compile(r"\b[0-9a-fA-F]{24,}\b")

# Attributes of a record that are logging's own; everything else passed in ``extra`` is ours.
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request_id",
}


def new_request_id(incoming: str | None = None) -> str:
    """The proxy's id when it is a plausible one (never trust arbitrary header text in logs)."""
    if incoming and _INCOMING_ID.match(incoming):
        return incoming
    return secrets.token_hex(16)


def bind_request_id(value: str) -> contextvars.Token:
    return _request_id.set(value)


def unbind_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def current_request_id() -> str:
    return _request_id.get()


def redact(text: str) -> str:
    return _HEX_TOKEN.sub("<hex>", _EMAIL.sub("<email>", text))


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", _request_id.get()),
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            # Only plain values: Django passes the request object, whose text holds the query.
            if key in _RESERVED or key.startswith("_"):
                continue
            if isinstance(value, bool | int | float) or value is None:
                entry[key] = value
            elif isinstance(value, str):
                entry[key] = redact(value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        return json.dumps(entry, ensure_ascii=False, default=str)
