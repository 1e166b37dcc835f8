"""The weekly access review: what stands out in a partnership's access log, emailed to its
administrators every Monday with links to the log lines.

Four things stand out (thresholds per partnership, `AccessReviewSettings`):

- one user opening more different people than `people_at_once` within `window_minutes`;
- access at night (from `night_from` until `night_until`, local time);
- exports and printouts of people, with their stated purpose (`flag_exports`);
- a user with shops opening a person whose cases are all in areas where the user has no shop.

Sent once per partnership and week: the `AccessReview` row is the mark. It is made under a lock
and committed with `sent_at` after the mail went; a second run waits for the lock and finds it
sent. (A crash between the mail and the commit sends it again: the window every mail here has.)
One task per partnership, so that one failing mail server answer stops no other partnership.
"""

from collections import defaultdict, deque
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bans import hooks
from bans.models import AccessReview, AccessReviewSettings, PersonIncident
from bans.selectors import purpose_label
from merchants.models import AuditEvent, Membership, Partnership, ShopAssignment
from merchants.roles import Role
from plumbing.mail import send_templated_mail

# Events that take people's data out of the system or onto paper.
EXPORT_ACTIONS = (
    "incidents.export.full",
    "incidents.pack.made",
    "incidents.pdf.case_printed",
    "incidents.pdf.aangifte_printed",
    "bulletins.bulletin.printed",
    "claims.claim.letter_printed",
    "claims.books.collection_exported",
    "bans.gallery.printed",
    "bans.notice.printed",
    "bans.subject_request.access_report",
    "bans.objection.printed",
)


def settings_for(partnership) -> AccessReviewSettings:
    found = AccessReviewSettings.objects.filter(partnership=partnership).first()
    return found or AccessReviewSettings(partnership=partnership)


def last_week(today=None) -> tuple[date, date]:
    """Monday to Monday of the week before `today` (local dates)."""
    today = today or timezone.localdate()
    start = today - timedelta(days=today.weekday() + 7)
    return start, start + timedelta(days=7)


def findings(partnership, start, end) -> dict:
    """What stands out between the local dates `start` (included) and `end` (excluded)."""
    rules = settings_for(partnership)
    zone = timezone.get_current_timezone()
    events = list(
        AuditEvent.objects.filter(
            partnership=partnership,
            action__in=sorted(hooks.ACCESS_ACTIONS),
            created_at__gte=datetime.combine(start, time.min, tzinfo=zone),
            created_at__lt=datetime.combine(end, time.min, tzinfo=zone),
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    return {
        "bursts": _bursts(partnership, events, rules),
        "night": _night(partnership, events, rules),
        "exports": _exports(partnership, events) if rules.flag_exports else [],
        "outside": _outside_areas(partnership, events),
        "events": len(events),
    }


def _who(event) -> str:
    return event.actor.get_full_name() if event.actor else "—"


def _log_link(user_id=None, day=None, person=None) -> str:
    query = {}
    if user_id:
        query["user"] = user_id
    if day:
        query["since"] = query["until"] = day.isoformat()
    if person:
        query["person"] = person
    return settings.SITE_URL + reverse("bans:access_log") + "?" + urlencode(query)


def _local(moment):
    return timezone.localtime(moment)


def _bursts(partnership, events, rules) -> list[dict]:
    """Per user, the largest number of different people opened within one window, when it is
    over the threshold."""
    window = timedelta(minutes=rules.window_minutes)
    per_user = defaultdict(list)
    for event in events:
        if event.object_type == "bans.person" and event.actor_id:
            per_user[event.actor_id].append(event)
    found = []
    for user_events in per_user.values():
        best, best_span = 0, None
        recent = deque()
        for event in user_events:
            recent.append(event)
            while event.created_at - recent[0].created_at > window:
                recent.popleft()
            people = len({e.object_id for e in recent})
            if people > best:
                best, best_span = people, (recent[0].created_at, event.created_at)
        if best > rules.people_at_once:
            first, last = best_span
            found.append(
                {
                    "user": _who(user_events[0]),
                    "people": best,
                    "from": _local(first).strftime("%d-%m-%Y %H:%M"),
                    "until": _local(last).strftime("%H:%M"),
                    "link": _log_link(user_events[0].actor_id, _local(first).date()),
                }
            )
    return sorted(found, key=lambda item: -item["people"])


def _is_night(moment, rules) -> bool:
    hour = _local(moment).hour
    if rules.night_from == rules.night_until:
        return False
    if rules.night_from > rules.night_until:
        return hour >= rules.night_from or hour < rules.night_until
    return rules.night_from <= hour < rules.night_until


def _night(partnership, events, rules) -> list[dict]:
    per_user_day = defaultdict(list)
    for event in events:
        if _is_night(event.created_at, rules):
            day = _local(event.created_at).date()
            per_user_day[(event.actor_id, day)].append(event)
    return [
        {
            "user": _who(found[0]),
            "count": len(found),
            "at": ", ".join(_local(e.created_at).strftime("%H:%M") for e in found[:5]),
            "day": day.strftime("%d-%m-%Y"),
            "link": _log_link(user_id, day),
        }
        for (user_id, day), found in sorted(per_user_day.items(), key=lambda item: item[0][1])
    ]


def _exports(partnership, events) -> list[dict]:
    return [
        {
            "user": _who(event),
            "what": str(hooks.access_label(event.action)),
            "at": _local(event.created_at).strftime("%d-%m-%Y %H:%M"),
            "purpose": purpose_label(event.data) or "—",
            "link": _log_link(event.actor_id, _local(event.created_at).date()),
        }
        for event in events
        if event.action in EXPORT_ACTIONS
    ]


def _outside_areas(partnership, events) -> list[dict]:
    """People opened by users who work in shops, whose cases lie only in other areas."""
    person_events = [e for e in events if e.object_type == "bans.person" and e.actor_id]
    if not person_events:
        return []
    users = {e.actor_id for e in person_events}
    user_areas = defaultdict(set)
    for user_id, area_id in ShopAssignment.objects.filter(
        membership__partnership=partnership,
        membership__role=Role.PARTICIPANT,
        membership__user_id__in=users,
    ).values_list("membership__user_id", "shop__area_id"):
        user_areas[user_id].add(area_id)
    people = {int(e.object_id) for e in person_events if e.object_id.isdigit()}
    person_areas = defaultdict(set)
    for person_id, area_id in PersonIncident.objects.filter(person_id__in=people).values_list(
        "person_id", "incident__area_id"
    ):
        person_areas[person_id].add(area_id)
    found = {}
    for event in person_events:
        areas = user_areas.get(event.actor_id)
        person = int(event.object_id) if event.object_id.isdigit() else None
        if not areas or person is None or not person_areas[person] or areas & person_areas[person]:
            continue
        key = (event.actor_id, person)
        found.setdefault(
            key,
            {
                "user": _who(event),
                "person": person,
                "at": _local(event.created_at).strftime("%d-%m-%Y %H:%M"),
                "link": _log_link(event.actor_id, person=person),
            },
        )
    return list(found.values())


def administrators(partnership) -> list[str]:
    return sorted(
        Membership.objects.active()
        .filter(partnership=partnership, role=Role.ADMINISTRATOR, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def send_review(partnership, *, today=None) -> AccessReview | None:
    """Last week's review of `partnership`, once. None when there is nobody to send it to."""
    start, end = last_week(today)
    recipients = administrators(partnership)
    if not recipients:
        return None
    with transaction.atomic():
        review, _created = AccessReview.objects.select_for_update().get_or_create(
            partnership=partnership, week_start=start
        )
        if review.sent_at:
            return review
        review.findings = findings(partnership, start, end)
        context = {
            "partnership": partnership,
            "start": start,
            "end": end - timedelta(days=1),
            "found": review.findings,
            "quiet": not any(review.findings[k] for k in ("bursts", "night", "exports", "outside")),
            "log_link": settings.SITE_URL + reverse("bans:access_log"),
            "settings_link": settings.SITE_URL + reverse("bans:access_review"),
        }
        send_templated_mail("bans/email/access_review", context, to=recipients)
        review.sent_at = timezone.now()
        review.save(update_fields=["findings", "sent_at"])
    return review


def partnerships_to_review():
    return list(Partnership.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))
