"""Private file responses and random storage names (plumbing.files)."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404

from plumbing.files import private_file_response, random_name

NAME = "incidents/2026/11/0123456789abcdef0123456789abcdef.jpg"
CONTENT = b"\xff\xd8\xff\xe0 not really a jpeg, but bytes are bytes \xff\xd9"

# Closing a response sends request_finished, which checks the database connection.
pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(tmp_path, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = None
    storage = FileSystemStorage(location=tmp_path / "private")
    storage.save(NAME, ContentFile(CONTENT))
    return storage


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_streams_the_file_privately(storage):
    response = private_file_response(storage, NAME, content_type="image/jpeg")
    try:
        assert isinstance(response, FileResponse)
        assert response.status_code == 200
        assert body(response) == CONTENT
        assert response["Content-Type"] == "image/jpeg"
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == (
            'inline; filename="0123456789abcdef0123456789abcdef.jpg"'
        )
        assert "X-Accel-Redirect" not in response
    finally:
        response.close()


def test_download_with_a_chosen_filename(storage):
    response = private_file_response(
        storage,
        NAME,
        content_type="image/jpeg",
        filename='../Foto "winkel"\r\n.jpg',
        inline=False,
    )
    try:
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "\r" not in disposition and "\n" not in disposition
        assert "/" not in disposition
        assert disposition == r'attachment; filename="Foto \"winkel\".jpg"'
    finally:
        response.close()


def test_non_ascii_filename_is_encoded(storage):
    response = private_file_response(
        storage, NAME, content_type="image/jpeg", filename="café ’t Hoekje.jpg"
    )
    try:
        assert response["Content-Disposition"].startswith("inline; filename*=utf-8''caf%C3%A9")
    finally:
        response.close()


def test_missing_file_is_404(storage):
    with pytest.raises(Http404):
        private_file_response(storage, "incidents/2026/11/missing.jpg", content_type="image/jpeg")


def test_directory_is_404(storage):
    with pytest.raises(Http404):
        private_file_response(storage, "incidents/2026", content_type="image/jpeg")


@pytest.mark.parametrize(
    "name",
    [
        "../etc/passwd",
        "incidents/../../etc/passwd",
        "incidents/2026/..",
        "/etc/passwd",
        "\\etc\\passwd",
        "incidents\\..\\x",
        "C:/Windows/win.ini",
        "incidents/\x00.jpg",
        "",
    ],
)
def test_names_that_climb_out_are_404(storage, name, settings):
    with pytest.raises(Http404):
        private_file_response(storage, name, content_type="image/jpeg")
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private"
    with pytest.raises(Http404):
        private_file_response(storage, name, content_type="image/jpeg")


def test_nginx_serves_it_with_x_accel_redirect(storage, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private"
    response = private_file_response(storage, NAME, content_type="image/jpeg")
    assert response.status_code == 200
    assert not response.streaming
    assert response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{NAME}"
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")


def test_x_accel_redirect_is_url_encoded(storage, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private/"
    storage.save("pdf/rapport 50%.pdf", ContentFile(b"%PDF-1.7"))
    response = private_file_response(storage, "pdf/rapport 50%.pdf", content_type="application/pdf")
    assert response["X-Accel-Redirect"] == "/_private/pdf/rapport%2050%25.pdf"


def test_x_accel_redirect_still_404s_for_a_missing_file(storage, settings):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/_private"
    with pytest.raises(Http404):
        private_file_response(storage, "incidents/2026/11/missing.jpg", content_type="image/jpeg")


def test_random_name_shape():
    name = random_name("incidents", "jpg")
    assert re.fullmatch(r"incidents/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", name)


def test_random_name_hides_the_upload_name_and_is_unique():
    upload_name = "Jan de Vries winkeldief.JPG"
    extension = upload_name.rsplit(".", 1)[-1]
    names = {random_name("persons/photos", extension) for _ in range(1000)}
    assert len(names) == 1000
    for name in names:
        assert "Jan" not in name and "Vries" not in name and "winkeldief" not in name
        assert name.startswith("persons/photos/")
        assert name.endswith(".jpg")


@pytest.mark.parametrize(
    ("prefix", "extension"),
    [("../incidents", "jpg"), ("/etc", "jpg"), ("incidents", "jpg/../x"), ("incidents", "")],
)
def test_random_name_refuses_odd_input(prefix, extension):
    with pytest.raises(ValueError):
        random_name(prefix, extension)


def test_random_name_is_readable_back_through_the_response(storage):
    name = storage.save(random_name("incidents", "jpg"), ContentFile(b"abc"))
    response = private_file_response(storage, name, content_type="image/jpeg")
    try:
        assert body(response) == b"abc"
    finally:
        response.close()
