from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bans"
    verbose_name = _("Register")

    def ready(self):
        from bans.models import IdentityRequest, Measure, MeasureStatus
        from incidents import retention

        def incidents_with_a_live_measure():
            return Measure.objects.filter(
                status__in=[MeasureStatus.PROPOSED, MeasureStatus.ACTIVE, MeasureStatus.SUSPENDED],
                incident__isnull=False,
            ).values("incident_id")

        def incidents_waiting_for_the_police():
            return IdentityRequest.objects.open().values("incident_id")

        # An incident keeps its personal data while a measure rests on it (DESIGN.md section 3),
        # and while the police are asked for the name of its person.
        for rule in (incidents_with_a_live_measure, incidents_waiting_for_the_police):
            if rule.__name__ not in {kept.__name__ for kept in retention.keep_rules}:
                retention.keep_rules.append(rule)

        # The gallery copies' files go with their rows (a receiver in that module).
        from bans import gallery_copies  # noqa: F401
        from bans.hooks import register_panel
        from incidents import panels

        panels.add_case_panel("register", register_panel, order=10)
