"""Reports through the API: a chain's till, CCTV or head-office system files a report for one of
its client's shops (`incidents:write`) and reads its shops' cases back (`incidents:read`).

Filing goes through the very form the shop's page uses (incidents.forms.ReportForm): the same
checks, the same photo intake (format by content, size, pixels, metadata removed) and the same
exactly-once rule, keyed here by the client and its `Idempotency-Key` header.
"""

import uuid

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from api.base import ApiView
from api.models import Scope
from api.permissions import needs
from api.views import Pages
from incidents import services
from incidents.forms import ReportForm
from incidents.models import Incident, PoliceReport
from incidents.selectors import timeline
from merchants.services import log_action
from plumbing.files import StorageUnavailable

# Idempotency keys live in the incidents' submission_key: a UUID made from the client and key.
KEYS = uuid.UUID("8f8e2a56-3d1b-4bd6-9a51-6d0f2f7b1c0e")


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    title = serializers.CharField()
    detail = serializers.CharField()
    police = serializers.BooleanField()


class CaseSerializer(serializers.ModelSerializer):
    """A case of one of the client's shops: its facts and status, nothing about the person."""

    reference = serializers.CharField()
    shop = serializers.IntegerField(source="shop_id")
    photos = serializers.IntegerField(source="photos.count")

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "shop",
            "kind",
            "occurred_at",
            "created_at",
            "status",
            "police_report",
            "police_stage",
            "photos",
        ]


class CaseDetailSerializer(CaseSerializer):
    timeline = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "description", "timeline"]

    def get_timeline(self, incident) -> list[dict]:
        return TimelineEntrySerializer(timeline(incident), many=True).data


class ReportInSerializer(serializers.Serializer):
    """What a report takes (for the schema; the checks are ReportForm's)."""

    shop = serializers.IntegerField()
    kind = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    description = serializers.CharField()
    goods_value = serializers.DecimalField(max_digits=9, decimal_places=2, required=False)
    goods_recovered = serializers.BooleanField(required=False)
    caught_in_act = serializers.BooleanField(required=False)
    police_called = serializers.BooleanField(required=False)
    police_report = serializers.ChoiceField(choices=PoliceReport.choices)
    police_report_channel = serializers.CharField(required=False)
    police_report_number = serializers.CharField(required=False)
    person_description = serializers.CharField(required=False)
    person_age = serializers.IntegerField(required=False)
    person_clothing = serializers.CharField(required=False)
    person_name = serializers.CharField(required=False)
    person_birth_date = serializers.DateField(required=False)
    witness = serializers.CharField(required=False)
    photos = serializers.ListField(child=serializers.FileField(), required=False)


class CaseQuerysetMixin:
    def get_queryset(self):
        return (
            Incident.objects.filter(
                partnership=self.client.partnership, shop__in=self.client.shops.all()
            )
            .select_related("partnership", "shop")
            .order_by("-created_at", "-pk")
        )


@extend_schema(tags=["incidents"])
class IncidentListView(CaseQuerysetMixin, ListModelMixin, ApiView):
    """The client's shops' cases, newest first (`incidents:read`); POST files a report for one
    of them (`incidents:write`), as multipart with `photos` (up to 6) or as JSON without."""

    serializer_class = CaseSerializer
    pagination_class = Pages
    parser_classes = [MultiPartParser, JSONParser]

    def get_permissions(self):
        scope = Scope.INCIDENTS_WRITE if self.request.method == "POST" else Scope.INCIDENTS_READ
        return [needs(scope)()]

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": ReportInSerializer, "application/json": ReportInSerializer},
        responses={201: CaseSerializer, 200: CaseSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Send the same key again (a retry) and the first report is returned.",
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        shops = self.client.shops.filter(active=True, area__active=True).select_related("area")
        data = _form_data(request.data)
        moment = _moment(data.get("occurred_at"))
        if moment is not None:
            data["occurred_at"] = moment
        key = request.headers.get("Idempotency-Key", "").strip()[:200]
        submission = uuid.uuid5(KEYS, f"{self.client.pk}:{key}") if key else uuid.uuid4()
        data["submission_key"] = str(submission)
        form = ReportForm(data, request.FILES, shops=shops)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        existing = Incident.objects.filter(submission_key=submission).first()
        if existing is not None and existing.description != form.cleaned_data["description"]:
            raise ValidationError({"Idempotency-Key": [_("This key was used for another report.")]})
        try:
            incident, created = services.report_incident(
                shop=form.cleaned_data["shop"],
                reporter=None,
                fields=form.incident_fields(),
                photos=form.cleaned_data["photos"],
                submission_key=submission,
            )
        except StorageUnavailable:
            # Nothing was saved: the same request, with the same key, may be sent again.
            raise StorageAway from None
        if created:
            log_action(
                "api.incident.filed",
                partnership=incident.partnership,
                obj=incident,
                data={"client": self.client.pk, "photos": len(form.cleaned_data["photos"])},
            )
        body = CaseSerializer(incident).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class StorageAway(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "storage_unavailable"
    default_detail = gettext_lazy(
        "The photos could not be stored just now; send the report again in a moment."
    )
    wait = 10  # seconds, as Retry-After


def _moment(text):
    """An ISO 8601 date and time, with its offset, or None (the form then says what is wrong)."""
    if not isinstance(text, str):
        return None
    try:
        return parse_datetime(text)
    except ValueError:  # well-formed but impossible, "2026-12-07T10:75"
        return None


def _form_data(data):
    """What the form takes: multipart arrives as strings already; JSON values become the strings a
    form would post (a list or an object where one value belongs is refused as such)."""
    if hasattr(data, "getlist"):
        return data.copy()
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send one JSON object.")]})
    wrong = {
        name: [_("One value, not a list or an object.")]
        for name, value in data.items()
        if isinstance(value, list | dict)
    }
    if wrong:
        raise ValidationError(wrong)
    return {
        name: "" if value is None else value if isinstance(value, str) else str(value)
        for name, value in data.items()
    }


@extend_schema(tags=["incidents"])
class IncidentDetailView(CaseQuerysetMixin, RetrieveModelMixin, ApiView):
    """One of the client's shops' cases with its timeline (`incidents:read`); another shop's or
    partnership's id is a 404."""

    serializer_class = CaseDetailSerializer
    permission_classes = [needs(Scope.INCIDENTS_READ)]

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)
