"""Private files: random storage names and responses that never leak into caches.

Private files (incident photos, person photos, PDFs) live in a storage outside static and are only
served by views that have checked permission first (DESIGN.md section 4). This module does the
serving part only: the permission check is the caller's.

In production Python never streams the bytes:
- on the disk, set ``PRIVATE_FILES_ACCEL_PREFIX`` (e.g. ``"/_private"``) to an ``internal`` nginx
  location aliased to the storage's directory, and Django answers with an empty response carrying
  ``X-Accel-Redirect``;
- in an object store (``S3_BUCKET``), Django answers with a redirect to a link signed for
  ``S3_URL_SECONDS`` that names the type, the file name and ``Cache-Control: private, no-store``
  for the store to answer with.
Without either (the embedded default), Django streams the file itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import posixpath
import re
import secrets
import time
import unicodedata
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,10}$")


def random_name(prefix: str, extension: str) -> str:
    """A fresh storage name such as ``incidents/2026/11/<32 hex>.jpg``.

    Nothing of the upload's own name survives: it may hold a person's name or a path, and would
    make names guessable. ``prefix`` is one or more plain path segments chosen by the code.
    """
    segments = prefix.rstrip("/").split("/")
    if not all(_SEGMENT.match(segment) for segment in segments):
        raise ValueError(f"Invalid storage prefix: {prefix!r}")
    extension = extension.lstrip(".").lower()
    if not _EXTENSION.match(extension):
        raise ValueError(f"Invalid file extension: {extension!r}")
    today = timezone.localdate() if settings.USE_TZ else timezone.now().date()
    return f"{'/'.join(segments)}/{today:%Y/%m}/{secrets.token_hex(16)}.{extension}"


def private_file_response(
    storage,
    name: str,
    *,
    content_type: str,
    filename: str | None = None,
    inline: bool = True,
) -> HttpResponse:
    """Serve ``name`` from ``storage`` privately; raises ``Http404`` when it is not there.

    ``filename`` is what the browser offers when saving (defaults to the stored base name);
    ``inline=False`` makes it a download.
    """
    _check_name(name)
    disposition = content_disposition_header(
        not inline, _safe_filename(filename or posixpath.basename(name))
    )
    if _signs_links(storage):
        return _signed_link(storage, name, content_type, disposition)
    prefix = getattr(settings, "PRIVATE_FILES_ACCEL_PREFIX", None)
    if prefix:
        try:
            exists = storage.exists(name)
        except SuspiciousFileOperation:
            exists = False
        if not exists:
            raise Http404("No such file.")
        response = HttpResponse(content_type=content_type)
        # nginx decodes the URI, so encode it (names with spaces or "%" stay intact).
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(name)}"
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, SuspiciousFileOperation):
            raise Http404("No such file.") from None
        response = FileResponse(handle, content_type=content_type)

    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _signs_links(storage) -> bool:
    """An object store that hands out files by signed links (django-storages' S3)."""
    return bool(getattr(storage, "querystring_auth", False)) and hasattr(storage, "bucket_name")


def _signed_link(storage, name, content_type, disposition) -> HttpResponse:
    """A redirect to the object, signed for a short while. The object store checks the signature
    and answers with the headers the link names; a missing object is the store's 404 (no
    round trip to ask first)."""
    url = _store_url(storage, name, content_type, settings.S3_URL_SECONDS, disposition=disposition)
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _store_url(storage, name, content_type, seconds, *, disposition=None) -> str:
    """The object store's link to ``name``, signed for ``seconds``, naming the headers the store
    answers with: the type, the file name when given, and no caching."""
    parameters = {"ResponseContentType": content_type, "ResponseCacheControl": "private, no-store"}
    if disposition:
        parameters["ResponseContentDisposition"] = disposition
    return storage.url(name, parameters=parameters, expire=seconds)


def _check_name(name: str) -> None:
    """Refuse anything that could climb out of the storage's directory."""
    if (
        not name
        or not isinstance(name, str)
        or ".." in name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name)  # Windows drive
    ):
        raise Http404("No such file.")


def _safe_filename(filename: str) -> str:
    """A base name without path parts or control characters, for Content-Disposition."""
    filename = posixpath.basename(str(filename).replace("\\", "/"))
    filename = "".join(ch for ch in filename if unicodedata.category(ch)[0] != "C").strip(" .")
    return filename[:150] or "file"


# --- links that need no decision: signed for a few minutes, checked without Python ----------------


def signed_url(storage, name: str, *, seconds: int, content_type: str = "image/jpeg") -> str:
    """A link to ``name`` that works for ``seconds`` and needs no session: the object store's own
    signed link, or on the disk a link under ``SIGNED_FILES_URL`` that nginx checks with its
    ``secure_link`` module (``deploy/nginx/kvo.conf``) and, without nginx, ``verify_signed`` does.

    For files whose access was decided when the link was made (the gallery page's photos): no
    request for the bytes reaches Django in production."""
    _check_name(name)
    if _signs_links(storage):
        return _store_url(storage, name, content_type, seconds)
    expires = int(time.time()) + seconds
    path = f"{settings.SIGNED_FILES_URL.rstrip('/')}/{name}"
    link = f"{settings.SIGNED_FILES_URL.rstrip('/')}/{quote(name)}"
    return f"{link}?{urlencode({'md5': _link_hash(path, expires), 'expires': expires})}"


def verify_signed(path: str, md5: str, expires: str) -> str:
    """What nginx's ``secure_link`` answers for a link made by ``signed_url``, as the storage
    name it names: raises ``PermissionDenied`` for a link not signed by us (nginx: 403) and
    ``LinkExpired`` for one past its time (nginx: 410). ``path`` is the request's path, decoded
    once (Django's ``request.path``, nginx's ``$uri``)."""
    from django.core.exceptions import PermissionDenied

    prefix = settings.SIGNED_FILES_URL.rstrip("/") + "/"
    if (
        not path.startswith(prefix)
        or not _EXPIRES.fullmatch(expires)
        or not _LINK_HASH.fullmatch(md5)
    ):
        raise PermissionDenied
    if not hmac.compare_digest(_link_hash(path, int(expires)), md5):
        raise PermissionDenied
    if int(expires) < time.time():
        raise LinkExpired
    name = path[len(prefix) :]
    _check_name(name)
    return name


class LinkExpired(Exception):
    """A signed link past its time (410 Gone, as nginx answers)."""


_EXPIRES = re.compile(r"[0-9]{1,12}")
_LINK_HASH = re.compile(r"[A-Za-z0-9_-]{22}")


def _link_hash(path: str, expires: int) -> str:
    """nginx's ``secure_link_md5 "$secure_link_expires$uri $signed_link_secret"``: the MD5 of
    that string, in URL-safe base64 without padding. ``path`` is decoded, as ``$uri`` is."""
    text = f"{expires}{path} {settings.SIGNED_LINK_SECRET}"
    digest = hashlib.md5(text.encode(), usedforsecurity=False).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class StorageUnavailable(Exception):
    """The storage did not take a file: the object store is away, or the disk is full. Nothing was
    saved; the person can try again in a moment (a 503, never a 500)."""


# What the storages raise when they cannot store: the disk's OSError, the object store's
# connection and server errors (botocore).
try:
    from botocore.exceptions import BotoCoreError, ClientError

    STORE_FAILURES = (BotoCoreError, ClientError)
except ImportError:  # pragma: no cover - botocore is in requirements.txt
    STORE_FAILURES = ()
STORAGE_FAILURES = (OSError, *STORE_FAILURES)


def store_image(storage, processed, prefix: str, stored: list) -> tuple[str, str]:
    """Save a processed image (plumbing.images) as original and thumbnail under random names.

    Every saved name is appended to `stored` at once, so the caller can delete them all again
    when its transaction fails. A storage that takes nothing raises StorageUnavailable.
    """
    from django.core.files.base import ContentFile

    try:
        original = storage.save(random_name(prefix, "jpg"), ContentFile(processed.original))
        stored.append(original)
        thumbnail = storage.save(
            random_name(f"{prefix}/thumbs", "jpg"), ContentFile(processed.thumbnail)
        )
    except STORAGE_FAILURES as error:
        logger.warning("storage took no file: %s", type(error).__name__)
        raise StorageUnavailable from error
    stored.append(thumbnail)
    return original, thumbnail


def delete_files(names, storage=None):
    """Delete stored files whose rows are gone (retention, or a save that failed half-way). A file
    that cannot be deleted is logged without its name and left behind for the orphan check."""
    storage = storage or default_storage
    for name in names:
        try:
            storage.delete(name)
        except STORAGE_FAILURES:
            logger.warning("could not delete a stored file")
