"""Incidents for tests, made through the real service (photos processed and stored)."""

import io
import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from incidents import services
from incidents.models import IncidentType, PoliceReport
from plumbing.images import process_upload


def cctv_still(width=640, height=480, seed=0, fmt="JPEG", exif=None):
    """A grey CCTV-like frame with a timestamp bar: no faces, just shapes."""
    image = Image.new("RGB", (width, height), (90 + seed % 40, 95, 100))
    draw = ImageDraw.Draw(image)
    draw.rectangle([width // 3, height // 4, width // 2, height - 20], fill=(40, 40, 45))
    draw.ellipse(
        [width // 3 + 10, height // 8, width // 2 - 10, height // 4 + 10], fill=(60, 60, 60)
    )
    draw.rectangle([0, 0, width, 24], fill=(0, 0, 0))
    draw.text((8, 6), f"CAM {seed % 4 + 1}  2026-11-26 14:{seed % 60:02d}", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def upload(data, name="still.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def report_fields(**overrides):
    fields = {
        "kind": IncidentType.SHOPLIFTING,
        "occurred_at": timezone.now() - timedelta(hours=2),
        "description": "Man stak twee flessen wijn in zijn jas en liep zonder betalen naar buiten.",
        "goods_value": Decimal("24.98"),
        "goods_recovered": True,
        "caught_in_act": True,
        "police_called": True,
        "police_report": PoliceReport.YES,
        "police_report_channel": "online",
        "police_report_number": "2026112612345",
        "person_description": "Lang, kort donker haar, baard.",
        "person_age": 35,
        "person_clothing": "Zwarte jas, grijze muts",
        "person_name": "",
        "person_birth_date": None,
        "witness": "",
    }
    return {**fields, **overrides}


def report(reporter, shop, photos=0, **overrides):
    processed = [process_upload(upload(cctv_still(seed=i))) for i in range(photos)]
    incident, _ = services.report_incident(
        shop=shop,
        reporter=reporter,
        fields=report_fields(**overrides),
        photos=processed,
        submission_key=uuid.uuid4(),
    )
    return incident
