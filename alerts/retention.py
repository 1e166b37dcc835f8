"""Retention of alerts (ADR 0011): what an alert says about someone (a warning's description, the
gallery card it points to) is removed a day after it was sent; the alert and its deliveries go
after thirty days. Each removal leaves a line in the deletion ledger, as elsewhere. Hourly and
idempotent."""

import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from alerts.models import ALERTS_KEPT, CONTENT_KEPT, Alert
from merchants.models import DeletionRecord


def apply(now=None) -> dict:
    now = now or timezone.now()
    run = uuid.uuid4()
    with transaction.atomic():
        with_content = list(
            Alert.objects.select_for_update(skip_locked=True)
            .filter(created_at__lte=now - CONTENT_KEPT, content_removed_at__isnull=True)
            .filter(~Q(description="") | Q(person_id__isnull=False))
            .values_list("pk", "partnership_id", "kind")
        )
        Alert.objects.filter(pk__in=[pk for pk, _p, _k in with_content]).update(
            description="", person_id=None, content_removed_at=now
        )
        _ledger(with_content, now, run, "alerts.alert_content", "alert content older than a day")
        old = list(
            Alert.objects.filter(created_at__lte=now - ALERTS_KEPT).values_list(
                "pk", "partnership_id", "kind"
            )
        )
        Alert.objects.filter(pk__in=[pk for pk, _p, _k in old]).delete()
        _ledger(old, now, run, "alerts.alert", "alert older than thirty days")
    return {"content_removed": len(with_content), "alerts_deleted": len(old), "run": str(run)}


def _ledger(rows, now, run, kind, reason):
    DeletionRecord.objects.bulk_create(
        DeletionRecord(
            deleted_at=now,
            partnership_id=partnership_id,
            kind=kind,
            object_type=f"alerts.alert.{alert_kind}",
            object_id=str(pk),
            reason=reason,
            run=run,
        )
        for pk, partnership_id, alert_kind in rows
    )
