"""The KVO certification dossier of an area (DESIGN.md section 3): its certificate, the cycle
(schouw, meetings, annual report, survey, safety analysis) and the measures matrix. The
coordinator keeps it; the auditor of the certifying body reads it.

The cycle checklist says, in words, what the next audit will look for: a schouw this year,
meetings this year with every mandatory partner present at least once, last year's annual report,
a survey and a safety analysis within three years, and a valid certificate.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from certification.models import (
    Certificate,
    DossierItem,
    DossierItemKind,
    PartnerType,
    SafetyMeasure,
)
from merchants import access
from merchants.models import ShoppingArea
from merchants.services import log_action
from plumbing.dates import add_months, last_day_of_term
from plumbing.files import STORAGE_FAILURES, delete_files, random_name

CERTIFICATE_MONTHS = 36
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class DossierError(Exception):
    """A rule stops this change; the message is shown as it is."""


def _require(actor, area):
    if not access.can(actor, area.partnership, "manage_dossier"):
        raise DossierError(_("Only the coordinator changes the certification dossier."))


def read_pdf(upload) -> bytes:
    """The uploaded file if it is a PDF of at most 20 MB, else DossierError."""
    if upload.size > MAX_DOCUMENT_BYTES:
        raise DossierError(_("The document is larger than 20 MB."))
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DossierError(_("The document is larger than 20 MB."))
    head = data[3:1027] if data.startswith(b"\xef\xbb\xbf") else data[:1024]
    if not head.startswith(b"%PDF-"):
        raise DossierError(_("Upload the document as a PDF."))
    return data


def _store(data) -> str:
    """Keep a document; a storage that takes nothing (the object store away, a full disk) is a
    DossierError the form shows, with the rest of what was typed kept."""
    if not data:
        return ""
    try:
        return default_storage.save(random_name("dossier", "pdf"), ContentFile(data))
    except STORAGE_FAILURES:
        raise DossierError(
            _(
                "The document could not be stored just now, so nothing was saved. Try again in a "
                "moment; choose the document again."
            )
        ) from None


def add_certificate(
    area,
    *,
    actor,
    stars,
    issued_on,
    certifying_body,
    scheme_version="KVO 4.0",
    valid_until=None,
    document=None,
) -> Certificate:
    _require(actor, area)
    valid_until = valid_until or last_day_of_term(issued_on, CERTIFICATE_MONTHS)
    if valid_until <= issued_on:
        raise DossierError(_("A certificate cannot end before it was issued."))
    if not 1 <= int(stars) <= 5:
        raise DossierError(_("A certificate has 1 to 5 stars."))
    data = read_pdf(document) if document else b""
    stored = _store(data)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                area=area,
                stars=stars,
                issued_on=issued_on,
                valid_until=valid_until,
                scheme_version=scheme_version,
                certifying_body=certifying_body,
                document=stored,
            )
            log_action(
                "certification.certificate.added",
                actor=actor,
                partnership=area.partnership,
                obj=certificate,
                data={"area": area.pk, "stars": int(stars)},
            )
    except BaseException:
        if stored:
            delete_files([stored])
        raise
    return certificate


def add_item(
    area, *, actor, kind, held_on, title, notes="", attendance=(), document=None, today=None
) -> DossierItem:
    _require(actor, area)
    if held_on > (today or date.today()) + timedelta(days=366):
        raise DossierError(_("That date is more than a year ahead."))
    if kind not in DossierItemKind.values:
        raise DossierError(_("Choose what kind of step this is."))
    attendance = [a for a in attendance if a in PartnerType.values]
    if kind != DossierItemKind.MEETING:
        attendance = []
    data = read_pdf(document) if document else b""
    stored = _store(data)
    try:
        with transaction.atomic():
            item = DossierItem.objects.create(
                area=area,
                kind=kind,
                held_on=held_on,
                title=title.strip()[:200],
                notes=notes.strip(),
                attendance=attendance,
                document=stored,
                created_by=actor,
            )
            log_action(
                "certification.dossier_item.added",
                actor=actor,
                partnership=area.partnership,
                obj=item,
                data={"area": area.pk, "kind": kind},
            )
    except BaseException:
        if stored:
            delete_files([stored])
        raise
    return item


def save_safety_measure(area, *, actor, item=None, **fields) -> SafetyMeasure:
    """Add a line to the measures matrix, or change one (its status, usually)."""
    _require(actor, area)
    meeting = fields.get("meeting")
    if meeting is not None and (meeting.area_id != area.pk or meeting.kind != "meeting"):
        raise DossierError(_("Link the measure to a meeting of this area."))
    with transaction.atomic():
        if item is None:
            item = SafetyMeasure.objects.create(area=area, **fields)
            action = "certification.safety_measure.added"
        else:
            for name, value in fields.items():
                setattr(item, name, value)
            item.save()
            action = "certification.safety_measure.changed"
        log_action(
            action,
            actor=actor,
            partnership=area.partnership,
            obj=item,
            data={"area": area.pk, "status": item.status},
        )
    return item


# --- What an audit looks at ---------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


def _day(value) -> str:
    """A date as the page's language writes it: "10 maart 2026"."""
    return date_format(value, "j F Y")


def current_certificate(area, day) -> Certificate | None:
    return area.certificates.valid_on(day).order_by("-issued_on").first()


def checklist(area, today) -> list[Check]:
    items = list(area.dossier_items.all())

    def latest(kind):
        return max((i.held_on for i in items if i.kind == kind), default=None)

    checks = []
    certificate = current_certificate(area, today)
    checks.append(
        Check(
            _("Valid certificate"),
            certificate is not None,
            _("%(stars)s stars, valid until %(day)s")
            % {"stars": certificate.stars, "day": _day(certificate.valid_until)}
            if certificate
            else _("No valid certificate."),
        )
    )
    schouw = latest(DossierItemKind.INSPECTION)
    checks.append(
        Check(
            _("Site inspection this year"),
            bool(schouw and schouw.year == today.year),
            _("Last on %(day)s") % {"day": _day(schouw)} if schouw else _("None recorded."),
        )
    )
    meetings = [
        i for i in items if i.kind == DossierItemKind.MEETING and i.held_on.year == today.year
    ]
    present = {p for m in meetings for p in m.attendance}
    missing = [str(PartnerType(p).label) for p in PartnerType.values if p not in present]
    checks.append(
        Check(
            _("Meetings this year with every partner"),
            bool(meetings) and not missing,
            _("%(count)s meetings; not yet present: %(missing)s")
            % {"count": len(meetings), "missing": ", ".join(missing)}
            if missing
            else _("%(count)s meetings; every partner was present") % {"count": len(meetings)},
        )
    )
    report = [
        i
        for i in items
        if i.kind == DossierItemKind.ANNUAL_REPORT and i.held_on.year >= today.year - 1
    ]
    checks.append(
        Check(
            _("Annual report over last year"),
            bool(report),
            _("Made on %(day)s") % {"day": _day(report[0].held_on)}
            if report
            else _("Not recorded."),
        )
    )
    three_years_ago = add_months(today, -CERTIFICATE_MONTHS)
    for kind, label in (
        (DossierItemKind.SURVEY, _("Shop-owner survey within three years")),
        (DossierItemKind.SAFETY_ANALYSIS, _("Safety analysis within three years")),
    ):
        last = latest(kind)
        checks.append(
            Check(
                label,
                bool(last and last >= three_years_ago),
                _("Last on %(day)s") % {"day": _day(last)} if last else _("None recorded."),
            )
        )
    return checks


def overview(partnership, today) -> dict:
    """Every active area with its current certificate: "13 of 16 certified"."""
    areas = list(
        ShoppingArea.objects.filter(partnership=partnership, active=True)
        .prefetch_related("certificates")
        .order_by("kind", "name")
    )
    rows = []
    for area in areas:
        valid = [
            c
            for c in area.certificates.all()
            if c.issued_on <= today <= c.valid_until and c.withdrawn_on is None
        ]
        certificate = max(valid, key=lambda c: c.issued_on, default=None)
        rows.append(
            {
                "area": area,
                "certificate": certificate,
                "ends_soon": bool(certificate and certificate.valid_until <= add_months(today, 6)),
            }
        )
    return {
        "rows": rows,
        "certified": sum(1 for row in rows if row["certificate"]),
        "total": len(rows),
    }
