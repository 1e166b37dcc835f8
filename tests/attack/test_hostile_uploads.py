"""The hostile upload corpus (tests/attack/corpus.py) thrown at every upload the app has, through
the real views: the incident report (shop staff), a person's photo (officer), the certification
dossier's certificate and steps (coordinator) and the bank statement import (coordinator).

For every file: never a 500. A refused file gets a Dutch message on the page, stores no row and
no file, and the rest of what was typed comes back. An accepted photo is stored re-encoded: a
fresh JPEG of sensible size, upright, without EXIF/GPS or any other metadata, and nothing after
its end marker. An accepted PDF is kept as it is and only ever handed out as a download.

PDFs with JavaScript (/OpenAction, /JS, /Launch) are accepted, on purpose:

- the app does not render or parse dossier PDFs; it stores them under a random name and serves
  them typed ``application/pdf`` with ``nosniff`` and as an attachment (certification.views
  .document), so nothing in one ever runs in our origin, whatever follows its signature;
- a byte scan for ``/JavaScript`` is no filter: compressed object streams hide it; and rewriting
  the file to strip it would break a certifying body's digital signature on a certificate;
- only the coordinator (second factor required) uploads, for the auditor and coordinators of
  the same partnership: refusing would block real documents (municipal forms carry scripts)
  while stopping nothing a reader's own PDF sandbox does not stop already.

For the same reason a truncated PDF is kept: it is not decoded here, and the reader says it is
damaged. Only files that do not start with the PDF signature are refused.
"""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from bans.models import PersonPhoto
from certification.models import Certificate, DossierItem
from claims.models import BankImport, BankTransaction
from incidents.models import Incident, IncidentPhoto, KeptPhoto
from tests.attack import corpus
from tests.attack.corpus import IMAGES, PDFS, REFUSE, STATEMENTS, multipart
from tests.factories import claim_settings

pytestmark = [
    pytest.mark.django_db,
    # The 100 MP bomb is past the size at which Pillow warns; the app refuses it just the same.
    pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
]

MODELS = (
    Incident,
    IncidentPhoto,
    PersonPhoto,
    DossierItem,
    Certificate,
    BankImport,
    BankTransaction,
)
DESCRIPTION = "Man pakte drie pakken koffie en liep zonder te betalen de winkel uit."
PERSON_DESCRIPTION = "Grijze capuchontrui, rode sneakers"
TITLE = "Schouw najaar Walstraat"
RANDOM_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|pdf)$")


def small(cases):
    """The cases without the 50 MB ones: those are posted to one endpoint of each kind only."""
    return [case for case in cases if not case.size]


# --- helpers --------------------------------------------------------------------------------------


@pytest.fixture
def upload_tmp(settings, tmp_path):
    """Django's own temporary files for big uploads go here, so the test sees them go away."""
    directory = tmp_path / "upload-tmp"
    directory.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(directory)
    return directory


def private_root() -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def all_files(tmp_path: Path) -> set[Path]:
    """Every file the test's directory holds, private storage or not (path traversal)."""
    return {path for path in files_under(tmp_path) if "corpus" not in path.parts}


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def payload(case, tmp_path) -> bytes:
    if case.size:
        directory = tmp_path / "corpus"
        directory.mkdir(exist_ok=True)
        return case.write(directory).read_bytes()
    return case.data()


def post(client, url, fields, field, case, tmp_path, **extra):
    """Post ``case`` as file field ``field`` with ``fields``, as a browser would."""
    body, content_type = multipart(
        fields, [(field, case.filename, case.content_type, payload(case, tmp_path))]
    )
    response = client.post(url, body, content_type=content_type, **extra)
    assert response.status_code != 500
    return response


class Snapshot:
    """Rows and files before a post, to compare with after it."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.rows = row_counts()
        self.private = files_under(private_root())
        self.everything = all_files(tmp_path)

    def new_rows(self) -> dict[str, int]:
        after = row_counts()
        return {
            name: after[name] - self.rows[name] for name in after if after[name] != self.rows[name]
        }

    def new_files(self) -> set[Path]:
        return files_under(private_root()) - self.private

    def assert_nothing_stored(self):
        assert self.new_rows() == {}
        assert self.new_files() == set()
        assert all_files(self.tmp_path) == self.everything


def assert_refused_with(response, case):
    text = response.content.decode()
    assert escape(case.message) in text, f"{case.id}: no “{case.message}” on the page"
    # A name the refusal repeats is shown as text, never as markup.
    assert "<img src=x" not in text
    if case.id == "html-name-in-message":
        assert "&lt;img src=x onerror=%22alert(1)%22&gt;.jpg: " + escape(case.message) in text


def assert_clean_jpeg(stored: bytes, uploaded: bytes, *, width=None, height=None):
    """A JPEG made by the app: not the upload, whole, without metadata or anything appended."""
    assert stored != uploaded
    assert jpeg_length(stored) == len(stored), "bytes after the JPEG's end marker"
    for marker in (b"Exif", b"GPS", b"<script", b"<?php", b"PK\x03\x04", b"<html", b"xmpmeta"):
        assert marker not in stored, marker
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.mode == "RGB"
        assert not image.getexif()
        assert not {"exif", "icc_profile", "comment", "xmp", "dpi"} & set(image.info)
        assert 1 <= image.width <= 2048 and 1 <= image.height <= 2048
        if width is not None:
            assert image.size == (width, height)
        image.load()  # decodes in full: nothing truncated


def jpeg_length(jpeg: bytes) -> int:
    """Where the JPEG's end-of-image marker ends, found by walking its segments: what comes
    after it is something else riding along (an HTML page, a ZIP)."""
    assert jpeg[:2] == b"\xff\xd8", "no JPEG start marker"
    at = 2
    while at < len(jpeg) - 1:
        assert jpeg[at] == 0xFF, f"no marker at {at}"
        marker = jpeg[at + 1]
        if marker == 0xD9:  # end of image
            return at + 2
        if marker == 0xFF or 0xD0 <= marker <= 0xD7:  # fill byte, restart marker
            at += 1 if marker == 0xFF else 2
            continue
        at += 2 + int.from_bytes(jpeg[at + 2 : at + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while not (jpeg[at] == 0xFF and jpeg[at + 1] not in (0x00, *range(0xD0, 0xD8))):
                at += 1
    raise AssertionError("no JPEG end marker")


def assert_stored_name(name: str, folder: str, case):
    assert name.startswith(f"{folder}/")
    assert RANDOM_NAME.match(name.rsplit("/", 1)[-1]), name
    assert ".." not in name and "\x00" not in name
    stem = case.filename.replace("\\", "/").rsplit("/", 1)[-1].split(".")[0]
    if len(stem) >= 4:
        assert stem not in name


def assert_upright(stored: bytes, case):
    """The corpus's EXIF says "rotate 90° clockwise": the CCTV still's black time bar, at the
    top of the raw pixels, must now stand on the right-hand side."""
    if case.id != "jpeg-exif-gps-orientation":
        return
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size[0] < image.size[1]
        grey = image.convert("L")
        right = grey.getpixel((image.width - 5, image.height // 2))
        left = grey.getpixel((5, image.height // 2))
        assert right < 30 < left


# --- the incident report (shop staff) -------------------------------------------------------------


def report_fields(world):
    from tests.incidents.test_reporting import form_data

    return form_data(world, description=DESCRIPTION, person_description=PERSON_DESCRIPTION)


@pytest.mark.parametrize("case", IMAGES, ids=str)
def test_incident_report(case, client_as, world, tmp_path, upload_tmp):
    client = client_as("participant")
    before = Snapshot(tmp_path)
    uploaded = None if case.size else case.data()
    response = post(
        client, reverse("incidents:report"), report_fields(world), "photos", case, tmp_path
    )

    if case.expect == REFUSE:
        assert response.status_code == 200
        assert_refused_with(response, case)
        text = response.content.decode()
        assert DESCRIPTION in text and PERSON_DESCRIPTION in text  # what was typed stays
        assert not KeptPhoto.objects.exists()  # a refused photo is not kept for the next try
        before.assert_nothing_stored()
    else:
        incident = Incident.objects.get()
        assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
        assert before.new_rows() == {"Incident": 1, "IncidentPhoto": 1}
        assert incident.description == DESCRIPTION
        photo = incident.photos.get()
        assert len(before.new_files()) == 2
        assert all_files(tmp_path) - before.everything == before.new_files()
        for name in (photo.original.name, photo.thumbnail.name):
            assert_stored_name(name, "incidents", case)
        original = default_storage.open(photo.original.name).read()
        assert_clean_jpeg(original, uploaded, width=photo.width, height=photo.height)
        assert_upright(original, case)
        thumbnail = default_storage.open(photo.thumbnail.name).read()
        assert_clean_jpeg(thumbnail, uploaded)
        assert_upright(thumbnail, case)
    assert not any(upload_tmp.iterdir()), "Django's temporary upload file was left behind"


def test_one_hostile_photo_refuses_the_whole_report_and_keeps_the_text(client_as, world, tmp_path):
    """A good photo next to a bad one: no report is half-saved; the good photo waits on the form
    (issue 18: chosen photos survive an error), the bad one is stored nowhere."""
    client = client_as("participant")
    good = corpus.still_jpeg()
    bad = next(case for case in IMAGES if case.id == "jpeg-truncated")
    body, content_type = multipart(
        report_fields(world),
        [
            ("photos", "goed.jpg", "image/jpeg", good),
            ("photos", bad.filename, bad.content_type, bad.data()),
        ],
    )
    response = client.post(reverse("incidents:report"), body, content_type=content_type)
    assert response.status_code == 200
    assert escape(corpus.DAMAGED_PHOTO) in response.content.decode()
    assert DESCRIPTION in response.content.decode()
    assert not Incident.objects.exists() and not IncidentPhoto.objects.exists()
    kept = KeptPhoto.objects.get()
    assert reverse("incidents:kept_photo", args=[kept.submission_key, kept.pk]) in (
        response.content.decode()
    )


def test_more_files_than_django_allows_is_a_dutch_400_page_storing_nothing(
    client_as, world, tmp_path
):
    """DATA_UPLOAD_MAX_NUMBER_FILES (100): Django refuses the request before any view can, in
    production already in the CSRF check. The app's own 400 page says so in Dutch."""
    client = client_as("participant")
    before = Snapshot(tmp_path)
    tiny = corpus.jpeg_declaring(16, 16)
    files = [("photos", f"{i}.jpg", "image/jpeg", tiny) for i in range(101)]
    body, content_type = multipart(report_fields(world), files)
    response = client.post(reverse("incidents:report"), body, content_type=content_type)
    assert response.status_code == 400
    assert "Ongeldig verzoek" in response.content.decode()
    before.assert_nothing_stored()


# --- a person's photo (officer) ------------------------------------------------------------------


@pytest.mark.parametrize("case", small(IMAGES), ids=str)
def test_person_photo(case, client_as, world, tmp_path):
    person = world.person
    client = client_as("officer")
    before = Snapshot(tmp_path)
    url = reverse("bans:add_photo", args=[person.pk])
    response = post(client, url, {}, "photo", case, tmp_path, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("bans:person", args=[person.pk]), 302)]

    if case.expect == REFUSE:
        assert_refused_with(response, case)
        before.assert_nothing_stored()
    else:
        assert "De foto is toegevoegd." in response.content.decode()
        assert before.new_rows() == {"PersonPhoto": 1}
        photo = person.photos.get()
        # The original, its thumbnail and the gallery's large rendition, all cleaned.
        assert len(before.new_files()) == 3
        assert all_files(tmp_path) - before.everything == before.new_files()
        for name in (photo.original.name, photo.thumbnail.name, photo.display.name):
            assert_stored_name(name, "people", case)
        original = default_storage.open(photo.original.name).read()
        assert_clean_jpeg(original, case.data(), width=photo.width, height=photo.height)
        assert_upright(original, case)
        display = default_storage.open(photo.display.name).read()
        assert b"Exif" not in display[:4096] and display[:2] == b"\xff\xd8"


# --- the certification dossier (coordinator) ------------------------------------------------------


def dossier_item_fields():
    return {"item-kind": "inspection", "item-held_on": "2026-03-10", "item-title": TITLE}


def certificate_fields():
    return {
        "certificate-stars": "3",
        "certificate-issued_on": "2025-02-01",
        "certificate-certifying_body": TITLE,  # shown again when the upload is refused
        "certificate-scheme_version": "KVO 4.0",
    }


DOSSIER = {
    "item": ("certification:add_item", dossier_item_fields, "item-document", DossierItem),
    "certificate": (
        "certification:add_certificate",
        certificate_fields,
        "certificate-document",
        Certificate,
    ),
}


def dossier_cases():
    """Every PDF case for a dossier step; the small ones for a certificate too."""
    return [pytest.param("item", case, id=f"item-{case.id}") for case in PDFS] + [
        pytest.param("certificate", case, id=f"certificate-{case.id}") for case in small(PDFS)
    ]


@pytest.mark.parametrize("kind,case", dossier_cases())
def test_dossier_document(kind, case, client_as, world, tmp_path, upload_tmp):
    url_name, fields, field, model = DOSSIER[kind]
    area = world.binnenstad
    client = client_as("coordinator")
    before = Snapshot(tmp_path)
    response = post(client, reverse(url_name, args=[area.pk]), fields(), field, case, tmp_path)

    if case.expect == REFUSE:
        # The dossier page comes back with the form and its errors (the app answers it with 400).
        assert response.status_code == 400
        assert_refused_with(response, case)
        assert TITLE in response.content.decode()  # what was typed stays
        before.assert_nothing_stored()
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("certification:area_dossier", args=[area.pk])
        assert before.new_rows() == {model.__name__: 1}
        record = model.objects.get()
        assert_stored_name(record.document.name, "dossier", case)
        assert len(before.new_files()) == 1
        assert all_files(tmp_path) - before.everything == before.new_files()
        uploaded = case.data()
        assert default_storage.open(record.document.name).read() == uploaded  # kept as it is

        served = client.get(reverse("certification:document", args=[kind, record.pk]))
        assert served.status_code == 200
        assert served["Content-Type"] == "application/pdf"
        assert served["Content-Disposition"] == f'attachment; filename="{kind}-{record.pk}.pdf"'
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Cache-Control"] == "private, no-store"
        assert b"".join(served.streaming_content) == uploaded
    assert not any(upload_tmp.iterdir()), "Django's temporary upload file was left behind"


# --- the bank statement import (coordinator) ----------------------------------------------------


@pytest.mark.parametrize("case", STATEMENTS, ids=str)
def test_bank_statement(case, client_as, world, tmp_path, upload_tmp):
    claim_settings(world.deventer, iban=corpus.STATEMENT_IBAN)
    client = client_as("coordinator")
    before = Snapshot(tmp_path)
    response = post(client, reverse("claims:bank"), {}, "statement", case, tmp_path)

    if case.expect == REFUSE:
        assert response.status_code == 200
        assert_refused_with(response, case)
        assert "root:x:0:0" not in response.content.decode()  # /etc/passwd never shows
        before.assert_nothing_stored()
    else:
        assert response.status_code == 302 and response["Location"] == reverse("claims:bank")
        # The payment matches no claim: it waits for the coordinator's decision.
        assert before.new_rows() == {"BankImport": 1, "BankTransaction": 1}
        assert before.new_files() == set()  # the statement itself is not kept
        filename = BankImport.objects.get().filename
        assert filename.isprintable() and "/" not in filename and len(filename) <= 200
    assert not any(upload_tmp.iterdir()), "Django's temporary upload file was left behind"


# --- the corpus is what it claims to be (else the checks above prove nothing) -------------------


def test_the_corpus_carries_what_the_app_must_remove():
    cases = {case.id: case for case in IMAGES + PDFS + STATEMENTS}
    assert len(cases) == len(IMAGES) + len(PDFS) + len(STATEMENTS), "case ids must be unique"
    with Image.open(io.BytesIO(cases["jpeg-exif-gps-orientation"].data())) as image:
        assert image.getexif()[0x0112] == 6 and image.getexif().get_ifd(0x8825)
    assert b"<script" in cases["jpeg-with-html-appended"].data()
    assert b"PK\x03\x04" in cases["jpeg-with-zip-appended"].data()
    assert b"<?php" in cases["png-php-webshell-named-php"].data()
    assert cases["gif-javascript-polyglot"].data().startswith(b"GIF89a/*")
    assert cases["gif-javascript-polyglot"].data().endswith(b"alert(document.domain);//")
    for bomb_id, side in (("png-bomb-30000x30000", (30_000, 30_000)), ("png-bomb-100mp", None)):
        data = cases[bomb_id].data()
        assert len(data) < 128 * 1024 and data[12:16] == b"IHDR"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width * height >= 100_000_000 and (side is None or (width, height) == side)
    with Image.open(io.BytesIO(cases["apng-300-frames"].data())) as image:
        assert image.n_frames == 300
    assert cases["png-16bit-rgb"].data()[24:26] == bytes([16, 2])  # bit depth 16, colour RGB
    with Image.open(io.BytesIO(cases["png-16bit-grey"].data())) as image:
        assert image.mode == "I;16"
    with Image.open(io.BytesIO(cases["cmyk-jpeg"].data())) as image:
        assert image.mode == "CMYK"
    pdf = cases["pdf-javascript-openaction"].data()
    assert b"/OpenAction" in pdf and b"/JavaScript" in pdf and b"/Launch" in pdf
    assert b"ENTITY" in cases["camt-xxe-etc-passwd"].data()
