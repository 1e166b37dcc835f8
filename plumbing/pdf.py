"""One way to make a PDF: render a Django template to HTML, then let WeasyPrint lay it out.

WeasyPrint fetches every stylesheet and image the HTML refers to. Left to itself it would open
``http(s)://`` and ``file://`` URLs: with the site's own address as base URL a document asks the web
server for ``/static/...`` while a worker of that server waits for the PDF (a deadlock under
gunicorn), and a URL in user data could make the server fetch anything it can reach (request
forgery) or read any file it may read. So the fetcher here reads from disk only:

- ``static:css/print.css`` and ``/static/css/print.css`` (``{% static %}``): the staticfiles
  finders, then the ``staticfiles`` storage (hashed names after ``collectstatic``);
- ``private:incidents/2026/11/<hex>.jpg`` and ``/private/<name>``: ``default_storage``, where the
  private photos live. Templates write ``{{ photo.original|private_url }}`` (tag library ``pdf``);
- ``data:`` URLs, decoded as WeasyPrint normally does;

and refuses everything else with an error. Relative URLs resolve against the site's address
(``SITE_URL``), so links in a PDF point to the site, but nothing is ever fetched over the network.

WeasyPrint does not raise on a resource it cannot load: it logs an error and leaves a hole in the
document. ``render_pdf`` collects those errors and raises ``PdfRenderingError``, so a broken
document fails the request or the test instead of reaching the police with a missing photo.

WeasyPrint is imported inside the functions: it costs most of a second at import time, which every
web and worker process would otherwise pay at start-up. And it is imported through ``_weasyprint()``
only: on import, WeasyPrint switches on Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES``,
after which the photo intake (``plumbing.images``) would refuse every upload in that process.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
import re
import threading
from contextlib import contextmanager
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from plumbing import svg_labels

PRIVATE_SCHEME = "private"
STATIC_SCHEME = "static"
PRIVATE_PATH = "/private/"
# Used when SITE_URL is not configured; ".invalid" never resolves (RFC 2606).
FALLBACK_BASE_URL = "http://kvo.invalid/"


class PdfRenderingError(Exception):
    """WeasyPrint reported errors (a missing image, a refused URL): the PDF would be incomplete."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("PDF rendering failed: " + "; ".join(errors))


class ResourceRefused(ValueError):
    """A PDF asked for a URL that is not a static file, a private file or a data: URL."""


def render_pdf(template_name: str, context: dict, *, language=None, base_url=None) -> bytes:
    """Render ``template_name`` with ``context`` in ``language`` (default: LANGUAGE_CODE) to PDF.

    Raises ``PdfRenderingError`` when WeasyPrint logged an error while rendering.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(template_name, context)
    return html_to_pdf(html, base_url=base_url)


def html_to_pdf(html: str, *, base_url=None) -> bytes:
    """Lay out an HTML string as PDF with the disk-only fetcher; raises on WeasyPrint errors."""
    weasyprint = _weasyprint()
    base_url = base_url or default_base_url()
    font_config = _font_config()
    with _collect_weasyprint_errors() as errors:
        html, stylesheets = _parsed_style(html, base_url, font_config)
        document = weasyprint.HTML(
            string=html, base_url=base_url, url_fetcher=url_fetcher(base_url)
        )
        try:
            pdf = document.write_pdf(stylesheets=stylesheets, font_config=font_config)
        finally:
            if font_config.added_fonts:
                # The document brought fonts of its own (@font-face): they stay with this
                # configuration, so the next document starts with a fresh one.
                _fonts.config = None
    if errors:
        raise PdfRenderingError(errors)
    return pdf


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _parsed_style(html: str, base_url, font_config):
    """(html, stylesheets): the document's one ``<style>`` block taken out and handed over parsed,
    as the same author stylesheet. Every document of a kind has the same block (the templates
    extend incidents/pdf/base.html), and WeasyPrint would parse it again for each one: kept per
    thread and font configuration, that is about a tenth of a report's time (bench/report_pdf.py).
    A document with no block or several is left as it is."""
    found = _STYLE.findall(html)
    if len(found) != 1:
        return html, []
    text = found[0]
    kept = getattr(_fonts, "stylesheets", None)
    if kept is None or kept[0] is not font_config:
        kept = _fonts.stylesheets = (font_config, {})
    key = (text, base_url)
    stylesheet = kept[1].get(key)
    if stylesheet is None:
        if len(kept[1]) >= 16:
            kept[1].clear()
        stylesheet = kept[1][key] = _weasyprint().CSS(
            string=text,
            base_url=base_url,
            url_fetcher=url_fetcher(base_url),
            font_config=font_config,
        )
    return html.replace(f"<style>{text}</style>", "", 1), [stylesheet]


# WeasyPrint makes a Fontconfig configuration and a Pango font map for every document it is not
# given one for, and then finds and loads every font again. One per thread (Pango's font maps
# are not shared between threads), kept between documents, saves that: the same PDF, a few
# percent sooner (bench/report_pdf.py).
_fonts = threading.local()


def _font_config():
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = _font_config_class()()
    return config


@functools.cache
def _font_config_class():
    _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    class SharedFontConfiguration(FontConfiguration):
        added_fonts = False

        def add_font_face(self, rule_descriptors, url_fetcher):
            self.added_fonts = True
            return super().add_font_face(rule_descriptors, url_fetcher)

    return SharedFontConfiguration


def private_url(name) -> str:
    """The URL under which a PDF template refers to a file in ``default_storage``.

    Takes a storage name or a ``FieldFile`` (``photo.original``).
    """
    name = getattr(name, "name", name)
    if not name:
        raise ValueError("private_url needs a storage name.")
    return f"{PRIVATE_SCHEME}:{quote(str(name), safe='/')}"


def default_base_url() -> str:
    site_url = getattr(settings, "SITE_URL", "") or FALLBACK_BASE_URL
    return site_url.rstrip("/") + "/"


def url_fetcher(base_url=None):
    """A WeasyPrint URL fetcher that reads static and private files from disk and refuses the
    rest. ``base_url`` is the origin that relative URLs resolve against (default: SITE_URL)."""
    return _fetcher_class()(base_url or default_base_url())


def read_resource(url: str, *, base_url: str) -> tuple[bytes, str | None]:
    """(bytes, content type) of a static or private file named by ``url``.

    Raises ``ResourceRefused`` for any other URL and ``FileNotFoundError`` for a missing file.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == STATIC_SCHEME and not parts.netloc:
        return _read_static(_relative_name(parts.path, url))
    if scheme == PRIVATE_SCHEME and not parts.netloc:
        return _read_private(_relative_name(parts.path, url))

    static_url = settings.STATIC_URL or "/static/"
    if urlsplit(static_url).scheme and url.startswith(static_url):
        # STATIC_URL on another host (a CDN): the same files are on this disk.
        return _read_static(_relative_name(url[len(static_url) :].split("?")[0], url))
    if scheme in ("http", "https") and _same_origin(parts, urlsplit(base_url)):
        path = parts.path
        static_path = urlsplit(static_url).path
        if static_path.startswith("/") and path.startswith(static_path):
            return _read_static(_relative_name(path[len(static_path) :], url))
        if path.startswith(PRIVATE_PATH):
            return _read_private(_relative_name(path[len(PRIVATE_PATH) :], url))
    raise ResourceRefused(
        f"Refused to fetch {url[:200]!r}: a PDF may only use static files, private files "
        "(private:<name>) and data: URLs."
    )


def _same_origin(a, b) -> bool:
    return (a.scheme.lower(), a.netloc.lower()) == (b.scheme.lower(), b.netloc.lower())


def _relative_name(path: str, url: str) -> str:
    """A storage name without any way out of its directory, else ResourceRefused."""
    name = unquote(path)
    segments = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or any(segment in ("", ".", "..") for segment in segments)
    ):
        raise ResourceRefused(f"Refused to fetch {url[:200]!r}: not a plain file name.")
    return name


def _read_static(name: str) -> tuple[bytes, str | None]:
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    found = finders.find(name)
    if found:
        with open(found, "rb") as handle:
            return handle.read(), _content_type(name)
    # After collectstatic with a manifest storage, {% static %} names hashed copies that only
    # exist in STATIC_ROOT.
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name, "rb") as handle:
            return handle.read(), _content_type(name)
    raise FileNotFoundError(f"No static file named {name!r}.")


def _read_private(name: str) -> tuple[bytes, str | None]:
    from django.core.files.storage import default_storage

    with default_storage.open(name, "rb") as handle:
        return handle.read(), _content_type(name)


def _content_type(name: str) -> str | None:
    # WeasyPrint only accepts a stylesheet served as text/css; images are sniffed by Pillow.
    return mimetypes.guess_type(name)[0]


def _weasyprint():
    """Import WeasyPrint, keeping Pillow's LOAD_TRUNCATED_IMAGES as it was before the import.

    WeasyPrint sets it to True when its ``images`` module loads, so that it can draw half of a
    broken image. Here a broken image must fail the document instead, and the photo intake needs
    the flag off. The flag is only touched by the first import, so restoring it then is enough.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
        import weasyprint.images  # the module that flips the flag
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    svg_labels.install()
    return weasyprint


@functools.cache
def _fetcher_class():
    _weasyprint()  # first, for the Pillow flag; the import below then finds the loaded module
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DiskOnlyURLFetcher(URLFetcher):
        def __init__(self, base_url: str):
            # data: is the only protocol left to WeasyPrint's own fetching, and no redirects:
            # a second lock on the door should the override below ever be bypassed.
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.base_url = base_url

        def fetch(self, url, headers=None):
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            body, content_type = read_resource(url, base_url=self.base_url)
            headers = {"Content-Type": content_type} if content_type else None
            return URLFetcherResponse(url, body, headers)

    return DiskOnlyURLFetcher


class _ErrorCollector(logging.Handler):
    """Collects WeasyPrint's ERROR records of this thread only (renderings may run in parallel)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record):
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _collect_weasyprint_errors():
    logger = logging.getLogger("weasyprint")
    collector = _ErrorCollector()
    logger.addHandler(collector)
    # Errors must reach the collector even if logging was configured to silence WeasyPrint.
    silenced = logger.disabled or not logger.isEnabledFor(logging.ERROR)
    previous = (logger.disabled, logger.level)
    if silenced:
        logger.disabled = False
        logger.setLevel(logging.ERROR)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
        if silenced:
            logger.disabled = previous[0]
            logger.setLevel(previous[1])
