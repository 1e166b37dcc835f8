from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bans"
    verbose_name = _("Register")

    def ready(self):
        from bans.models import Measure, MeasureStatus
        from incidents import retention

        def incidents_with_a_live_measure():
            return Measure.objects.filter(
                status__in=[MeasureStatus.PROPOSED, MeasureStatus.ACTIVE], incident__isnull=False
            ).values("incident_id")

        # An incident keeps its personal data while a measure rests on it (DESIGN.md section 3).
        if incidents_with_a_live_measure not in retention.keep_rules:
            retention.keep_rules.append(incidents_with_a_live_measure)

        from bans.hooks import register_panel
        from incidents import panels

        panels.add_case_panel("register", register_panel, order=10)
