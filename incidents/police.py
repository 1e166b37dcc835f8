"""The report to the police (aangifte) and what became of it.

The shop records how it filed and the registration number (on the report form, or later on its
case page); the officer then keeps the stage: being handled, sent to the public prosecutor, a
fast-track hearing set, settled. Each step is an append-only PoliceStep row written with the
stage on the incident, shown in the shop's timeline, and, from the second step on, emailed to the
reporter after commit like a status change. (Parliament asked in 2019 that shops can see what
became of their report.)
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import hooks
from incidents.models import Incident, PoliceReport, PoliceStage, PoliceStep
from incidents.notify import tell_once
from merchants import access
from merchants.services import log_action

# A hearing can be set again (postponed); settled is the end.
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset({PoliceStage.FILED}),
    PoliceStage.FILED: frozenset(
        {PoliceStage.HANDLING, PoliceStage.PROSECUTOR, PoliceStage.HEARING, PoliceStage.SETTLED}
    ),
    PoliceStage.HANDLING: frozenset(
        {PoliceStage.PROSECUTOR, PoliceStage.HEARING, PoliceStage.SETTLED}
    ),
    PoliceStage.PROSECUTOR: frozenset({PoliceStage.HEARING, PoliceStage.SETTLED}),
    PoliceStage.HEARING: frozenset({PoliceStage.HEARING, PoliceStage.SETTLED}),
    PoliceStage.SETTLED: frozenset(),
}


class PoliceError(Exception):
    """A rule stops this step; the message is shown to the user as it is."""


def next_stages(stage: str) -> list[str]:
    """The officer's choices after `stage` (filing itself is recorded apart), in table order."""
    allowed = STAGE_TRANSITIONS.get(stage or "", frozenset()) - {PoliceStage.FILED}
    return [value for value in PoliceStage.values if value in allowed]


def may_record_filing(user, incident) -> bool:
    """The officer, or staff of the shop the case is of (who see it through their shop)."""
    if access.can(user, incident.partnership, "review_incidents"):
        return True
    return access.can(user, incident.partnership, "report_incidents") and not access.can(
        user, incident.partnership, "view_incidents"
    )


def record_filed_on_report(incident, *, actor) -> PoliceStep:
    """The report form said the aangifte was filed already: the track starts with the report,
    in its transaction, and nobody is emailed (the reporter is the one who said it)."""
    Incident.objects.filter(pk=incident.pk).update(police_stage=PoliceStage.FILED)
    incident.police_stage = PoliceStage.FILED
    return PoliceStep.objects.create(
        incident=incident,
        stage=PoliceStage.FILED,
        channel=incident.police_report_channel,
        reference=incident.police_report_number,
        actor=actor,
        notified_at=timezone.now(),  # nobody to tell
    )


def record_filing(incident, *, channel, reference, actor) -> PoliceStep:
    """The shop (or the officer for it) filed the aangifte after reporting: how, and the number.

    While nothing further happened, it can be recorded again to correct the number; once the
    police handle it, the number stands."""
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.police_stage not in ("", PoliceStage.FILED):
            raise PoliceError(_("The police are handling this report already; its number stays."))
        if locked.personal_data_removed_at:
            raise PoliceError(_("The personal data of this case were removed."))
        locked.police_report = PoliceReport.YES
        locked.police_report_channel = channel
        locked.police_report_number = reference.strip()
        locked.police_stage = PoliceStage.FILED
        locked.save(
            update_fields=[
                "police_report",
                "police_report_channel",
                "police_report_number",
                "police_stage",
                "updated_at",
            ]
        )
        step = PoliceStep.objects.create(
            incident=locked,
            stage=PoliceStage.FILED,
            channel=channel,
            reference=locked.police_report_number,
            actor=actor,
        )
        log_action(
            "incidents.police.filed",
            actor=actor,
            partnership=locked.partnership,
            obj=locked,
            data={"channel": channel},
        )
        if actor != locked.reporter:
            transaction.on_commit(lambda: _queue_step_email(step.pk), robust=True)
        transaction.on_commit(lambda: hooks.announce(locked.pk, hooks.POLICE_STEP), robust=True)
    _copy(locked, incident)
    return step


def record_step(
    incident, *, stage, actor, hearing_kind="", hearing_at=None, settlement="", public_note=""
) -> PoliceStep:
    """The officer moves the report on; the reporter is told after commit."""
    if stage == PoliceStage.HEARING and not (hearing_kind and hearing_at):
        raise PoliceError(_("A hearing needs its kind and its date and time."))
    if stage == PoliceStage.SETTLED and not settlement:
        raise PoliceError(_("Say how the case was settled."))
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.police_stage:
            raise PoliceError(_("Record first how and when the report was filed."))
        if locked.personal_data_removed_at and public_note.strip():
            raise PoliceError(
                _("The personal data of this case were removed: record the stage without a note.")
            )
        if stage not in STAGE_TRANSITIONS[locked.police_stage]:
            raise PoliceError(
                _("A report that is “%(current)s” cannot become “%(next)s”.")
                % {"current": locked.get_police_stage_display(), "next": PoliceStage(stage).label}
            )
        step = PoliceStep.objects.create(
            incident=locked,
            stage=stage,
            hearing_kind=hearing_kind if stage == PoliceStage.HEARING else "",
            hearing_at=hearing_at if stage == PoliceStage.HEARING else None,
            settlement=settlement if stage == PoliceStage.SETTLED else "",
            public_note=public_note.strip(),
            actor=actor,
        )
        locked.police_stage = stage
        locked.save(update_fields=["police_stage", "updated_at"])
        log_action(
            "incidents.police.step",
            actor=actor,
            partnership=locked.partnership,
            obj=locked,
            data={"stage": stage, "settlement": step.settlement, "hearing": step.hearing_kind},
        )
        transaction.on_commit(lambda: _queue_step_email(step.pk), robust=True)
        transaction.on_commit(lambda: hooks.announce(locked.pk, hooks.POLICE_STEP), robust=True)
    _copy(locked, incident)
    return step


def _copy(locked, incident):
    for name in ("police_report", "police_report_channel", "police_report_number", "police_stage"):
        setattr(incident, name, getattr(locked, name))


def _queue_step_email(step_id):
    from incidents.tasks import send_police_step_email_task

    send_police_step_email_task.delay(step_id)


def send_step_email(step_id) -> bool:
    """Tell the reporter about a step, once (the row records it)."""
    return tell_once(PoliceStep.objects.all(), step_id, lambda step: PoliceStage(step.stage).label)
