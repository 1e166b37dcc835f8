"""The CSV exports of cases: everything for the officer (for a stated purpose, in the access
log), and the anonymous facts for coordinators, reports and the municipality."""

from datetime import datetime, time, timedelta

from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.forms import ExportForm
from incidents.models import Incident
from merchants.access import require_capability
from merchants.purpose import purpose_page, stated_purpose
from merchants.services import log_action
from plumbing.csvexport import csv_response

EXPORT_BATCH = 2000


def _exported_incidents(request, action, purpose=None):
    """The current partnership's incidents in the asked period, oldest first; logged as `action`
    (with the purpose it was stated for, when it holds personal data)."""
    form = ExportForm(request.GET or None)
    if request.GET and not form.is_valid():
        raise BadRequest("invalid export period")
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    incidents = Incident.objects.filter(partnership=request.partnership).select_related(
        "shop", "area", "partnership"
    )
    incidents = between(incidents, since, until)
    log_action(
        action,
        actor=request.user,
        partnership=request.partnership,
        data={"since": str(since or ""), "until": str(until or ""), **(purpose or {})},
    )
    return incidents.order_by("occurred_at", "pk")


@require_capability("export_incidents")
def export(request):
    """All facts and personal details of the partnership's incidents, for the officer."""
    purpose = stated_purpose(request)
    if purpose is None:
        return purpose_page(
            request,
            title=_("Export the cases"),
            what=_("The export holds the personal details of every case in the period."),
        )
    incidents = _exported_incidents(request, "incidents.export.full", purpose)
    header = [
        _("Reference"),
        _("Reported at"),
        _("Date and time"),
        _("Area"),
        _("Shop"),
        _("Type"),
        _("Status"),
        _("Value of the goods"),
        _("Recovered"),
        _("Caught in the act"),
        _("Police called"),
        _("Police report"),
        _("Police registration number"),
        _("What happened"),
        _("Description of the person"),
        _("Approximate age"),
        _("Clothing"),
        _("Name"),
        _("Date of birth"),
        _("Witness"),
        _("First contact"),
    ]
    rows = (
        [
            i.reference,
            _local(i.created_at),
            _local(i.occurred_at),
            i.area.name,
            i.shop.name,
            i.get_kind_display(),
            i.get_status_display(),
            _money(i.goods_value),
            _yes(i.goods_recovered),
            _yes(i.caught_in_act),
            _yes(i.police_called),
            i.get_police_report_display(),
            i.police_report_number,
            i.description,
            i.person_description,
            i.person_age,
            i.person_clothing,
            i.person_name,
            i.person_birth_date or "",
            i.witness,
            _local(i.first_contact_at),
        ]
        for i in incidents.iterator(chunk_size=EXPORT_BATCH)
    )
    return csv_response(f"meldingen-{request.partnership.slug}.csv", header, rows)


@require_capability("incident_figures")
def export_figures(request):
    """The anonymous facts only: safe for coordinators, reports and the municipality."""
    incidents = _exported_incidents(request, "incidents.export.figures")
    header = [
        _("Date"),
        _("Month"),
        _("Area"),
        _("Shop"),
        _("Type"),
        _("Value of the goods"),
        _("Recovered"),
        _("Caught in the act"),
        _("Police report"),
        _("Status"),
        _("Hours to first contact"),
    ]
    rows = (
        [
            timezone.localtime(i.occurred_at).date(),
            timezone.localtime(i.occurred_at).strftime("%Y-%m"),
            i.area.name,
            i.shop.name,
            i.get_kind_display(),
            _money(i.goods_value),
            _yes(i.goods_recovered),
            _yes(i.caught_in_act),
            _yes(i.police_report == "yes"),
            i.get_status_display(),
            _hours(i),
        ]
        for i in incidents.select_related(None)
        .select_related("area", "shop")
        .only(
            "occurred_at",
            "created_at",
            "first_contact_at",
            "area__name",
            "shop__name",
            "kind",
            "goods_value",
            "goods_recovered",
            "caught_in_act",
            "police_report",
            "status",
        )
        .iterator(chunk_size=EXPORT_BATCH)
    )
    return csv_response(f"meldingen-cijfers-{request.partnership.slug}.csv", header, rows)


def between(incidents, since, until):
    """Whole local days as datetime bounds, so the (partnership, occurred_at) index is used."""
    zone = timezone.get_current_timezone()
    if since:
        incidents = incidents.filter(
            occurred_at__gte=datetime.combine(since, time.min, tzinfo=zone)
        )
    if until:
        incidents = incidents.filter(
            occurred_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
        )
    return incidents


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _money(value):
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _yes(flag):
    return _("yes") if flag else _("no")


def _hours(incident):
    if not incident.first_contact_at:
        return ""
    return (
        f"{(incident.first_contact_at - incident.created_at).total_seconds() / 3600:.1f}".replace(
            ".", ","
        )
    )
