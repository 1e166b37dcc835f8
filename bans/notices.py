"""The written notice to a person about a measure: a PDF letter, issued once and never changed.

``issue_notice`` copies everything the letter states (names, address, facts, dates, shops, areas,
the officer, where to object) into ``NoticeLetter.snapshot`` and renders the PDF from that snapshot
alone, so later edits of the person, the shops or the partnership never change an issued letter
(STYLE.md: issued documents are immutable snapshots). The letter is Dutch: it goes to a person in
the Netherlands.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bans.models import (
    COLLECTIVE_KINDS,
    Measure,
    MeasureKind,
    MeasureStatus,
    NoticeLetter,
    objection_code,
)
from bans.services import RegisterError
from merchants import access
from merchants.models import Shop
from merchants.services import log_action
from plumbing.files import random_name
from plumbing.pdf import render_pdf

LANGUAGE = "nl"
TEMPLATE = "bans/pdf/notice.html"
# 2: adds ``objection`` (the partnership's contact and term); a version-1 letter has none and
# renders as it was issued. 3: adds ``objection_online`` (the public page and the letter's code).
SNAPSHOT_VERSION = 3


def issue_notice(measure, *, actor) -> NoticeLetter:
    """The notice of an active measure: made once, then returned as it is on every later call.

    Only the community police officer issues it. The measure row is locked while the letter is
    made, so two clicks at once give one letter; a failure leaves no stored file behind.
    """
    if not access.can(actor, measure.partnership, "review_incidents"):
        raise RegisterError(_("Only the community police officer decides on measures."))
    existing = NoticeLetter.objects.filter(measure_id=measure.pk).first()
    if existing is not None:
        return existing

    stored = None
    try:
        with transaction.atomic():
            locked = (
                Measure.objects.select_for_update(of=("self",))
                .select_related(
                    "partnership",
                    "person",
                    "incident__shop",
                    "incident__partnership",
                    "issuing_shop__area",
                    "extends",
                    "decided_by",
                )
                .get(pk=measure.pk)
            )
            existing = NoticeLetter.objects.filter(measure=locked).first()
            if existing is not None:
                return existing
            if locked.status != MeasureStatus.ACTIVE:
                raise RegisterError(_("A notice can only be issued for an active measure."))
            code = objection_code()
            # The page checks the code against the date of birth: without one, it is not offered.
            snapshot = build_snapshot(
                locked, actor=actor, code=code if locked.person.birth_date else ""
            )
            pdf = render_notice(snapshot)
            stored = default_storage.save(random_name("notices", "pdf"), ContentFile(pdf))
            notice = NoticeLetter.objects.create(
                measure=locked,
                snapshot=snapshot,
                pdf=stored,
                issued_by=actor,
                objection_code=code,
            )
            log_action(
                "bans.notice.issued",
                actor=actor,
                partnership=locked.partnership,
                obj=notice,
                data={"measure": locked.pk, "kind": locked.kind},
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return notice


def notice_pdf_bytes(notice) -> bytes:
    """The PDF exactly as it was issued."""
    with default_storage.open(notice.pdf.name, "rb") as handle:
        return handle.read()


def build_snapshot(measure, *, actor, today=None, code="") -> dict:
    """Everything the letter states, as plain JSON types (dates as ISO strings)."""
    partnership = measure.partnership
    person = measure.person
    incident = measure.incident
    officer = measure.decided_by or actor
    shops = _shops(measure)
    with translation.override(LANGUAGE):
        kind_label = str(MeasureKind(measure.kind).label)
        incident_data = None
        if incident is not None:
            incident_data = {
                "reference": incident.reference,
                "kind": incident.kind,
                "kind_label": incident.get_kind_display(),
                "date": timezone.localtime(incident.occurred_at).date().isoformat(),
                "shop": _shop_data(incident.shop),
            }
    return {
        "version": SNAPSHOT_VERSION,
        "language": LANGUAGE,
        "reference": f"{partnership.code}-M{measure.pk:06d}",
        "issued_on": (today or timezone.localdate()).isoformat(),
        "partnership": {"name": partnership.name, "municipality": partnership.municipality},
        "objection": partnership.objection_snapshot(),
        # Version 3: the public objection page and the code that opens it for this measure.
        "objection_online": {
            "url": settings.SITE_URL + reverse("objection"),
            "code": f"{code[:5]}-{code[5:]}",
        }
        if code
        else None,
        "person": {
            "display_name": person.display_name,
            "full_name": person.full_name,
            "address": person.address,
            "residence": person.residence,
            "birth_date": _iso(person.birth_date),
        },
        "measure": {
            "id": measure.pk,
            "kind": measure.kind,
            "kind_label": kind_label,
            "starts_on": measure.starts_on.isoformat(),
            "ends_on": measure.ends_on.isoformat(),
            "extends": (
                {
                    "starts_on": measure.extends.starts_on.isoformat(),
                    "ends_on": measure.extends.ends_on.isoformat(),
                }
                if measure.extends_id
                else None
            ),
        },
        "incident": incident_data,
        "shops": [_shop_data(shop) for shop in shops],
        "areas": sorted({shop.area.name for shop in shops}),
        "officer": {"name": (officer.full_name or "").strip() if officer else ""},
    }


def render_notice(snapshot) -> bytes:
    """The letter's PDF, from the snapshot only (no live object is consulted)."""
    return render_pdf(TEMPLATE, _context(snapshot), language=snapshot.get("language", LANGUAGE))


def _shops(measure) -> list[Shop]:
    """Where the measure applies: the issuing shop for an individual ban, else every active
    participating shop of the partnership."""
    if measure.kind not in COLLECTIVE_KINDS:
        return [measure.issuing_shop] if measure.issuing_shop else []
    return list(
        Shop.objects.in_partnership(measure.partnership)
        .filter(active=True, area__active=True)
        .select_related("area")
        .order_by("area__name", "name", "address", "pk")
    )


def _shop_data(shop) -> dict:
    return {
        "area": shop.area.name,
        "name": shop.name,
        "address": shop.address,
        "postcode": shop.postcode,
        "city": shop.city,
    }


def _one_city(shops) -> str:
    cities = {shop["city"] for shop in shops}
    return cities.pop() if len(cities) == 1 else ""


def _iso(value):
    return value.isoformat() if value else ""


def _day(value):
    return date.fromisoformat(value) if value else None


def _context(snapshot) -> dict:
    person = snapshot["person"]
    measure = snapshot["measure"]
    incident = snapshot["incident"]
    address_lines = [line for line in (person["address"],) if line]
    residence = person["residence"]
    # The address often holds the postcode and town already: do not print the town twice.
    if residence and residence.casefold() not in person["address"].casefold():
        address_lines.append(residence)
    kind = measure["kind"]
    issued_on = _day(snapshot["issued_on"])
    objection = snapshot.get("objection")
    return {
        "notice": snapshot,
        "reference": snapshot["reference"],
        "issued_on": issued_on,
        "partnership": snapshot["partnership"],
        "person": person,
        "addressee": person["full_name"] or person["display_name"],
        "address_lines": address_lines,
        "birth_date": _day(person["birth_date"]),
        "kind": kind,
        "kind_label": measure["kind_label"],
        "is_collective": kind in COLLECTIVE_KINDS,
        "is_ban": kind in (MeasureKind.RED, MeasureKind.EXTENSION),
        "starts_on": _day(measure["starts_on"]),
        "ends_on": _day(measure["ends_on"]),
        "extends_ends_on": _day(measure["extends"]["ends_on"]) if measure["extends"] else None,
        "incident": incident,
        "incident_date": _day(incident["date"]) if incident else None,
        "shops": snapshot["shops"],
        # One town for every shop (the usual case): the annex names it once, not 300 times.
        "one_city": _one_city(snapshot["shops"]),
        "areas": snapshot["areas"],
        "officer_name": snapshot["officer"]["name"],
        # None in a letter issued before the objection contact existed: it keeps its old wording.
        "objection": objection,
        "objection_online": snapshot.get("objection_online"),
        "object_by": issued_on + timedelta(weeks=objection["term_weeks"]) if objection else None,
    }
