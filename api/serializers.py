"""What the API says, field by field: anonymous facts only in `statistics`."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from incidents.models import Incident


class PeriodSerializer(serializers.Serializer):
    since = serializers.DateField(required=False, help_text="First day (ISO 8601), inclusive.")
    until = serializers.DateField(required=False, help_text="Last day (ISO 8601), inclusive.")
    area = serializers.IntegerField(required=False, min_value=1, help_text="An area's id.")

    def validate(self, data):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise serializers.ValidationError(_("`since` lies after `until`."))
        return data


class IncidentFactsSerializer(serializers.ModelSerializer):
    """One report without anything personal: what the coordinator's figures export holds."""

    area = serializers.IntegerField(source="area_id")
    area_name = serializers.CharField(source="area.name")
    shop = serializers.IntegerField(source="shop_id")
    police_report_filed = serializers.SerializerMethodField()
    hours_to_first_contact = serializers.SerializerMethodField()

    class Meta:
        model = Incident
        fields = [
            "occurred_at",
            "area",
            "area_name",
            "shop",
            "kind",
            "goods_value",
            "goods_recovered",
            "caught_in_act",
            "police_report_filed",
            "status",
            "hours_to_first_contact",
        ]

    def get_police_report_filed(self, incident) -> bool:
        return incident.police_report == "yes"

    def get_hours_to_first_contact(self, incident) -> float | None:
        if not incident.first_contact_at:
            return None
        return round((incident.first_contact_at - incident.created_at).total_seconds() / 3600, 1)
