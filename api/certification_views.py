"""The KVO dossier for an auditor's tool (`certification:read`): each area of the client's
partnership with its certificates, the cycle's steps and the safety-measures matrix."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.mixins import ListModelMixin, RetrieveModelMixin

from api.base import ApiView
from api.models import Scope
from api.permissions import needs
from api.views import Pages
from certification.models import Certificate, DossierItem, SafetyMeasure
from merchants.models import ShoppingArea


class CertificateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Certificate
        fields = [
            "stars",
            "issued_on",
            "valid_until",
            "scheme_version",
            "certifying_body",
            "withdrawn_on",
        ]


class DossierItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierItem
        fields = ["kind", "held_on", "title", "notes", "attendance"]


class SafetyMeasureSerializer(serializers.ModelSerializer):
    class Meta:
        model = SafetyMeasure
        fields = ["description", "theme", "owner", "status", "due_on"]


class AreaDossierSerializer(serializers.ModelSerializer):
    certificates = CertificateSerializer(many=True)
    cycle = DossierItemSerializer(many=True, source="dossier_items")
    safety_measures = SafetyMeasureSerializer(many=True)

    class Meta:
        model = ShoppingArea
        fields = ["id", "name", "kind", "certificates", "cycle", "safety_measures"]


class DossierQuerysetMixin:
    serializer_class = AreaDossierSerializer
    permission_classes = [needs(Scope.CERTIFICATION_READ)]

    def get_queryset(self):
        return (
            ShoppingArea.objects.filter(partnership=self.client.partnership, active=True)
            .prefetch_related(
                Prefetch("certificates", queryset=Certificate.objects.order_by("-issued_on")),
                Prefetch("dossier_items", queryset=DossierItem.objects.order_by("-held_on")),
                Prefetch("safety_measures", queryset=SafetyMeasure.objects.order_by("due_on")),
            )
            .order_by("name", "pk")
        )


@extend_schema(tags=["certification"])
class AreaDossierListView(DossierQuerysetMixin, ListModelMixin, ApiView):
    """Every active area's dossier."""

    pagination_class = Pages

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


@extend_schema(tags=["certification"])
class AreaDossierView(DossierQuerysetMixin, RetrieveModelMixin, ApiView):
    """One area's dossier; another partnership's area is a 404."""

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)
