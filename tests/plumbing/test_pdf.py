"""The one PDF path (plumbing.pdf): templates to PDF, files from disk only, errors raised."""

import io
import logging
import socket
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader

from plumbing.pdf import (
    PdfRenderingError,
    ResourceRefused,
    html_to_pdf,
    private_url,
    render_pdf,
    url_fetcher,
)
from tests.conftest import ROOT
from tests.incidents.factories import cctv_still

CSS_MARKER = "STATIC-CSS-LOADED"


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def templates(settings, tmp_path):
    """write("name.html", source) puts a template where render_pdf finds it."""
    directory = tmp_path / "templates"
    directory.mkdir()
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [directory, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    def write(name, source):
        (directory / name).write_text(source, encoding="utf-8")
        return name

    return write


@pytest.fixture
def static_css(settings, tmp_path):
    """A stylesheet at static/pdf-test/print.css that writes a marker into the document."""
    directory = tmp_path / "static"
    (directory / "pdf-test").mkdir(parents=True)
    (directory / "pdf-test" / "print.css").write_text(
        f'body::after {{ content: "{CSS_MARKER}"; }}', encoding="utf-8"
    )
    settings.STATICFILES_DIRS = [directory, *settings.STATICFILES_DIRS]
    return "pdf-test/print.css"


@pytest.fixture
def no_network(monkeypatch):
    """Records every attempt to open a socket; the fetcher must never make one."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return attempts


SIMPLE = """{% load i18n %}<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body { font-family: "DejaVu Sans", sans-serif; }</style></head>
<body><p>{% translate "Shoplifting" %}: {{ text }}</p><p>€&nbsp;24,98</p></body></html>"""


def test_renders_a_template_in_the_site_language(templates):
    name = templates("simple.html", SIMPLE)

    pdf = render_pdf(name, {"text": "één café “De Waag”"})

    assert pdf.startswith(b"%PDF-")
    (text,) = pages_text(pdf)
    assert "Winkeldiefstal: één café “De Waag”" in text
    assert "€ 24,98" in text or "€\xa024,98" in text


def test_renders_in_the_language_asked_for(templates):
    name = templates("simple.html", SIMPLE)

    (text,) = pages_text(render_pdf(name, {"text": "x"}, language="en"))

    assert "Shoplifting: x" in text


def test_data_is_escaped(templates):
    name = templates("simple.html", SIMPLE)

    (text,) = pages_text(render_pdf(name, {"text": "<script>alert(1)</script><b>vet</b>"}))

    assert "<script>alert(1)</script><b>vet</b>" in text


def test_static_css_through_the_static_url(templates, static_css):
    name = templates(
        "styled.html",
        '{% load static %}<html><head><link rel="stylesheet" href="{% static "'
        + static_css
        + '" %}"></head><body><p>Hallo</p></body></html>',
    )

    (text,) = pages_text(render_pdf(name, {}))

    assert CSS_MARKER in text


def test_static_css_through_the_static_scheme(static_css):
    html = f'<html><head><link rel="stylesheet" href="static:{static_css}"></head><body>x</body>'

    (text,) = pages_text(html_to_pdf(html))

    assert CSS_MARKER in text


def test_private_photo_through_the_filter(templates):
    stored = default_storage.save("incidents/test/still.jpg", ContentFile(cctv_still()))
    name = templates(
        "photo.html",
        '{% load pdf %}<html><body><img src="{{ name|private_url }}" alt=""></body></html>',
    )

    pdf = render_pdf(name, {"name": stored})

    assert image_count(pdf) == 1


def test_private_photo_through_the_private_path():
    stored = default_storage.save("incidents/test/still.jpg", ContentFile(cctv_still()))

    pdf = html_to_pdf(f'<img src="/private/{stored}" alt="">')

    assert image_count(pdf) == 1


def test_data_urls_work_as_usual():
    pdf = html_to_pdf(
        '<link rel="stylesheet" href="data:text/css,body::after%7Bcontent:%22DATA-CSS%22%7D">'
        "<p>x</p>"
    )

    assert "DATA-CSS" in pages_text(pdf)[0]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "ftp://example.com/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        # The site's own address, but not a static or private file: never fetched over HTTP.
        "http://testserver/admin/",
        "/accounts/login/",
        # Climbing out of the storage or the static folders.
        "/private/../../etc/passwd",
        "/private/%2e%2e/%2e%2e/etc/passwd",
        "private:../settings.py",
        "/static/../kvo/settings.py",
        "static:/etc/passwd",
    ],
)
def test_refuses_everything_else_without_touching_the_network(url, no_network):
    with pytest.raises(PdfRenderingError) as raised:
        html_to_pdf(f'<html><body><img src="{url}" alt=""></body></html>')

    assert "Refused to fetch" in str(raised.value)
    assert no_network == []


@pytest.mark.parametrize("url", ["http://example.com/print.css", "file:///etc/passwd"])
def test_refuses_external_stylesheets(url, no_network):
    with pytest.raises(PdfRenderingError, match="stylesheet"):
        html_to_pdf(f'<html><head><link rel="stylesheet" href="{url}"></head><body>x</body>')

    assert no_network == []


@pytest.mark.parametrize(
    "url", ["http://example.com/", "file:///etc/passwd", "ftp://example.com/x", "gopher://x/"]
)
def test_the_fetcher_itself_raises_on_other_urls(url, no_network):
    fetcher = url_fetcher()

    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)

    assert no_network == []


def test_the_fetcher_is_a_weasyprint_url_fetcher():
    fetcher = url_fetcher()  # first: WeasyPrint is imported through plumbing.pdf only
    from weasyprint.urls import URLFetcher

    assert isinstance(fetcher, URLFetcher)


def test_a_missing_private_file_fails_the_rendering(templates):
    name = templates(
        "missing.html", '{% load pdf %}<img src="{{ "incidents/gone.jpg"|private_url }}">'
    )

    with pytest.raises(PdfRenderingError, match=r"incidents/gone\.jpg"):
        render_pdf(name, {})


def test_a_missing_static_file_fails_the_rendering():
    with pytest.raises(PdfRenderingError):
        html_to_pdf('<link rel="stylesheet" href="/static/css/does-not-exist.css">x')


def test_errors_are_caught_even_when_weasyprint_logging_is_silenced():
    logger = logging.getLogger("weasyprint")
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with pytest.raises(PdfRenderingError):
            html_to_pdf('<img src="http://example.com/x.png">')
        assert logger.level == logging.CRITICAL
    finally:
        logger.setLevel(previous)


def test_private_url():
    assert private_url("incidents/2026/11/abc.jpg") == "private:incidents/2026/11/abc.jpg"
    with pytest.raises(ValueError):
        private_url("")


def test_rendering_leaves_pillows_truncated_images_flag_off():
    # WeasyPrint switches LOAD_TRUNCATED_IMAGES on when it is imported, which would make the photo
    # intake refuse every upload in a process that once rendered a PDF. A fresh process shows it,
    # whatever this test session imported before.
    script = (
        "import django; django.setup()\n"
        "from PIL import ImageFile\n"
        "from plumbing.pdf import html_to_pdf, url_fetcher\n"
        "url_fetcher()\n"
        "html_to_pdf('<p>x</p>')\n"
        "from plumbing.images import process_upload\n"
        "from tests.incidents.factories import cctv_still\n"
        "process_upload(cctv_still())\n"
        "assert ImageFile.LOAD_TRUNCATED_IMAGES is False\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
