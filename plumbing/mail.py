"""One way to send a templated email: `<prefix>_subject.txt`, `<prefix>_message.txt` and, when it
exists, `<prefix>_message.html`, rendered in the recipient's language.

And `MailMerge`, for one email sent to many recipients who differ in a few values (the photo
bulletin): serialised once, filled in per recipient."""

import base64
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    sanitize_address,
)
from django.core.mail.utils import DNS_NAME
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(prefix, context, *, to, language=None, attachments=(), reply_to=()):
    """Send one email; ``attachments`` are (filename, content, mimetype) tuples."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}_message.txt", context)
        try:
            html = render_to_string(f"{prefix}_message.html", context)
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=text,
        to=list(to),
        reply_to=list(reply_to),
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
    return message


# How the email package keeps 8-bit text in a payload str (Message.set_payload).
_RAW, _ESCAPE = "ascii", "surrogateescape"
_HEADER_SAFE = re.compile(r"[!-~]*")
_NEWLINES = re.compile(r"\r\n|\r|\n")
# An ASCII dot-atom address with a domain of labels of 1-63 characters: `sanitize_address` gives
# it back unchanged (tested), and it is what nearly every shop has. Its parser is ~0.1 ms.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ADDRESS = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}})*"
)


def envelope_address(address, encoding) -> str:
    """What Django's SMTP backend gives smtplib for ``address``; ValueError when it refuses."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return sanitize_address(address, encoding)


@dataclass(frozen=True)
class MergedMessage:
    """A message ready for the wire: envelope sender and recipients, and the bytes."""

    from_email: str
    recipients: list
    data: bytes


class InvalidRecipient(ValueError):
    """An address Django would refuse to send to (a newline in it, or unparseable)."""


class MergeUnavailable(ValueError):
    """The prototype cannot be filled in at the byte level (a placeholder ended up in an encoded
    part or header): send each message the ordinary way."""


class MailMerge:
    """One email for many recipients who differ only in a few values (a shop's name, its link,
    its watermarked photos): serialised once, then filled in per recipient in the bytes.

    Django builds and flattens an email in pure Python (about 1 ms for a small one, 20 ms for one
    with a dozen photos), which is more than SMTP takes to deliver it. Here the caller builds one
    prototype with `field` / `ascii_field` / `binary_field` placeholders in it, `compile` has
    Django serialise it once, and `render` joins the pieces with each recipient's values: the same
    bytes Django would have made for that recipient, apart from the random MIME boundaries, the
    Date and the Message-ID. Where that cannot be promised, `render` returns None and the caller
    builds the message the ordinary way:

    - a value that would make a line longer than 998 bytes (Django then switches the part to
      quoted-printable), or that contains a MIME boundary;
    - `compile` raises `MergeUnavailable` when a text placeholder sits in a part Django encoded
      (quoted-printable, base64) or in a header.

    Placeholders of `field` go into text bodies (the caller escapes values for HTML itself);
    `ascii_field` values are printable ASCII without spaces and may also go into part headers
    (a Content-ID); `binary_field` gives the payload of a base64 part (an image).
    """

    _TEXT, _ASCII, _BINARY, _INTERNAL = "text", "ascii", "binary", "internal"

    def __init__(self):
        # 24 base64 characters, so a binary placeholder's base64 is the placeholder itself.
        self._prefix = "kvom" + secrets.token_hex(8) + "f"
        # One group: split() keeps the placeholders, at the odd positions.
        self._pattern = re.compile(rb"(" + re.escape(self._prefix.encode()) + rb"\d\dz)")
        self._kinds = {}  # placeholder (bytes) -> kind
        self._names = {}  # field name -> placeholder (bytes)
        self._to = self._placeholder("to", self._INTERNAL)
        self._date = self._placeholder("date", self._INTERNAL)
        self._message_id = self._placeholder("message-id", self._INTERNAL)
        self._pieces = None

    def _placeholder(self, name, kind) -> str:
        if name in self._names:
            raise ValueError(f"field {name!r} declared twice")
        if len(self._kinds) >= 100:
            raise ValueError("at most 100 fields")
        token = f"{self._prefix}{len(self._kinds):02d}z"
        self._kinds[token.encode()] = kind
        self._names[name] = token.encode()
        return token

    def field(self, name) -> str:
        return self._placeholder(name, self._TEXT)

    def ascii_field(self, name) -> str:
        return self._placeholder(name, self._ASCII)

    def binary_field(self, name) -> bytes:
        """Raw bytes to give a base64 part (e.g. `MIMEImage`) as its data."""
        return base64.b64decode(self._placeholder(name, self._BINARY))

    def fill(self, text, values) -> str:
        """``text`` (a rendered prototype body) with the values of its `field` placeholders, for
        a message built the ordinary way."""
        names = {token.decode(): name for name, token in self._names.items()}
        pattern = re.compile(re.escape(self._prefix) + r"\d\dz")
        return pattern.sub(lambda match: str(values[names[match.group()]]), text)

    def compile(self, prototype) -> None:
        """Serialise ``prototype`` (an EmailMessage with placeholders; its To, Date and
        Message-ID are set here) once."""
        if {name.lower() for name in prototype.extra_headers} & {"to", "date", "message-id"}:
            raise ValueError("To, Date and Message-ID are set per recipient")
        encoding = prototype.encoding or settings.DEFAULT_CHARSET
        self.from_email = sanitize_address(prototype.from_email, encoding)
        self._encoding = encoding
        prototype.to = [self._to]
        prototype.extra_headers = {
            "Date": self._date,
            "Message-ID": self._message_id,
            **prototype.extra_headers,
        }
        msg = prototype.message()
        self._parts = []  # (Content-Transfer-Encoding placeholder, 7bit?, text fields in it)
        self._lines = []  # (bytes besides placeholders, placeholders) of lines with a field
        in_bodies = Counter()
        for part in msg.walk():
            if part.is_multipart() or part.get_content_maintype() != "text":
                continue
            # get_payload() gives an 8bit part's text decoded with its charset ("Fatma Ç."):
            # back to the bytes that go out, in that charset, to find fields and measure lines.
            payload = part.get_payload().encode(part.get_content_charset() or _RAW, _ESCAPE)
            found = self._pattern.findall(payload)
            text = {token for token in found if self._kinds[token] == self._TEXT}
            if not text:
                continue
            transfer = part.get("Content-Transfer-Encoding", "").lower()
            if transfer not in ("7bit", "8bit"):
                raise MergeUnavailable(f"a placeholder in a {transfer} part")
            marker = self._placeholder(f"cte-{len(self._parts)}", self._INTERNAL)
            part.replace_header("Content-Transfer-Encoding", marker)
            self._parts.append((marker.encode(), transfer == "7bit", text))
            in_bodies.update(found)
            for line in payload.splitlines():
                tokens = self._pattern.findall(line)
                if tokens:
                    rest = len(line) - sum(len(token) for token in tokens)
                    self._lines.append((rest, tokens))
        data = msg.as_bytes(linesep="\r\n")
        everywhere = Counter(self._pattern.findall(data))
        for token, kind in self._kinds.items():
            if kind == self._TEXT and everywhere[token] != in_bodies[token]:
                raise MergeUnavailable("a text placeholder outside a 7bit or 8bit body")
        self._boundaries = [
            part.get_boundary().encode() for part in msg.walk() if part.is_multipart()
        ]
        self._pieces = self._pattern.split(data)

    def render(self, to, values=None, binaries=None) -> MergedMessage | None:
        """The message for ``to`` with ``values`` (field name -> str) and ``binaries`` (name ->
        bytes), or None when only an ordinary build gives the right bytes. Raises ValueError for
        an address Django would refuse, as sending would."""
        if self._pieces is None:
            raise RuntimeError("compile() first")
        if "\n" in to or "\r" in to:
            raise InvalidRecipient(f"Header values can't contain newlines (got {to!r} for To)")
        try:
            envelope = envelope_address(to, self._encoding)
        except ValueError as error:
            raise InvalidRecipient(str(error)) from None
        fill = {
            # Django writes an ASCII address into the header as it is, others sanitised.
            self._names["to"]: (to if to.isascii() else envelope).encode("ascii"),
            self._names["date"]: formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode(),
            self._names["message-id"]: make_msgid(domain=DNS_NAME).encode(),
        }
        for name, value in (values or {}).items():
            token = self._names[name]
            if self._kinds[token] == self._ASCII:
                value = str(value)
                if not _HEADER_SAFE.fullmatch(value):
                    raise ValueError(f"{name!r} must be printable ASCII without spaces")
                fill[token] = value.encode("ascii")
                continue
            encoded = _NEWLINES.sub("\r\n", str(value)).encode("utf-8", _ESCAPE)
            if any(boundary in encoded for boundary in self._boundaries):
                return None
            fill[token] = encoded
        for name, value in (binaries or {}).items():
            fill[self._names[name]] = base64.encodebytes(value)[:-1].replace(b"\n", b"\r\n")
        for rest, tokens in self._lines:
            if rest + sum(len(fill[token]) for token in tokens) > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
                return None
        for marker, seven_bit, tokens in self._parts:
            plain = seven_bit and all(fill[token].isascii() for token in tokens)
            fill[marker] = b"7bit" if plain else b"8bit"
        data = b"".join(
            fill[piece] if index % 2 else piece for index, piece in enumerate(self._pieces)
        )
        return MergedMessage(self.from_email, [envelope], data)


def sends_merged(connection) -> bool:
    """Can `send_merged` use this mail connection? Django's SMTP backend: yes. The others (the
    test outbox, the console, files) get messages built the ordinary way."""
    return isinstance(connection, SMTPBackend)


def as_merged(message) -> MergedMessage:
    """What Django's SMTP backend sends for an EmailMessage; ValueError for a bad address."""
    encoding = message.encoding or settings.DEFAULT_CHARSET
    return MergedMessage(
        envelope_address(message.from_email, encoding),
        [envelope_address(address, encoding) for address in message.recipients()],
        message.message().as_bytes(linesep="\r\n"),
    )


def send_merged(connection, message: MergedMessage, *, before_data=None) -> None:
    """Send over an open SMTP backend what its `send_messages` would send for the same message
    (it too hands smtplib's sendmail the flattened bytes), raising the same errors.

    ``before_data`` is called once the server has taken the envelope (MAIL FROM and RCPT TO)
    and before the message itself goes (DATA), while the server cannot have accepted it yet:
    the caller can finish there what must be done before (the bulletin outbox records the
    previous message as sent). smtplib's sendmail calls its own `data`; this connection's `data`
    is wrapped for the one call, so the envelope, the refusals and the errors stay smtplib's.
    """
    smtp = connection.connection
    if before_data is None:
        smtp.sendmail(message.from_email, message.recipients, message.data)
        return
    data = smtp.data

    def data_after(msg):
        before_data()
        return data(msg)

    smtp.data = data_after
    try:
        smtp.sendmail(message.from_email, message.recipients, message.data)
    finally:
        del smtp.data
