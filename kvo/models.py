"""Work that spans the apps: a certification report being made as a PDF in the background."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from merchants.models import Partnership, ShoppingArea


class ReportJob(models.Model):
    """A PDF report rendered by a Celery task; the page polls its progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(ShoppingArea, on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField(max_length=7)  # "2026-3"
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    pdf = models.FileField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"report {self.area_id} {self.quarter}: {self.state}"

    @property
    def quarter_label(self) -> str:
        """ "Q3 2026", as the report writes it (the form and the file name say "2026-3")."""
        year, _sep, number = self.quarter.partition("-")
        return f"Q{number} {year}"
