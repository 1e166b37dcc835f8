"""API v1 endpoints. Each resolves what the client may see from its own partnership (and, for
incidents, its shops) in the queryset: another partnership's ids are a 404."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.mixins import ListModelMixin
from rest_framework.pagination import PageNumberPagination

from api.base import ApiView
from api.models import Scope
from api.permissions import needs
from api.serializers import IncidentFactsSerializer, PeriodSerializer
from incidents.models import Incident


class Pages(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


@extend_schema(
    tags=["statistics"],
    parameters=[
        OpenApiParameter("since", str, description="First day (ISO 8601), inclusive."),
        OpenApiParameter("until", str, description="Last day (ISO 8601), inclusive."),
        OpenApiParameter("area", int, description="Only this area's reports."),
    ],
)
class IncidentFactsView(ListModelMixin, ApiView):
    """The partnership's reports as anonymous facts, oldest first: no names, descriptions, photos
    or witnesses. Scope `statistics:read`."""

    permission_classes = [needs(Scope.STATISTICS_READ)]
    serializer_class = IncidentFactsSerializer
    pagination_class = Pages

    def get_queryset(self):
        period = PeriodSerializer(data=self.request.query_params)
        period.is_valid(raise_exception=True)
        incidents = Incident.objects.filter(partnership=self.client.partnership)
        zone = timezone.get_current_timezone()
        if since := period.validated_data.get("since"):
            incidents = incidents.filter(
                occurred_at__gte=datetime.combine(since, time.min, tzinfo=zone)
            )
        if until := period.validated_data.get("until"):
            incidents = incidents.filter(
                occurred_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)
            )
        if area := period.validated_data.get("area"):
            incidents = incidents.filter(area_id=area)
        return incidents.select_related("area").order_by("occurred_at", "pk")

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)
