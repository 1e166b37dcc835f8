"""The case history of each demo incident: the officer's first contact (sooner as time goes on),
the status changes up to closing for older cases and an open queue for the last two weeks, with
their public notes and contacts; and which incidents get CCTV stills (``_choose_photos``).
"""

from datetime import datetime, time, timedelta

from demo.incidents.rates import FIRST_CONTACT_DAYS, K
from demo.incidents.texts import (
    BAN_EXTENSION_NOTE,
    CONTACT_NOTES,
    CONTACTED_NOTES,
    FOLLOW_UP_NOTES,
    MEASURE_NOTES,
    OFFENCES,
    PHOTO_KINDS,
    PUBLIC_NOTES,
)
from incidents.models import ContactKind, PoliceReport
from incidents.retention import RETENTION_AFTER_CLOSING
from incidents.workflow import Status, can_move

PHOTO_INCIDENTS = 150


def _at(world, day, minutes):
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=world.tz)


def _next_working_day(day):
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _first_contact(rng, world, created, progress):
    """The officer's first contact: 1-3 working days at the start, within a day at the end."""
    first, last = FIRST_CONTACT_DAYS
    mean = first + (last - first) * progress
    days = rng.triangular(0.35 * mean, 1.6 * mean, mean)
    whole, fraction = int(days), days - int(days)
    day = created.astimezone(world.tz).date()
    if day.weekday() >= 5:
        day = _next_working_day(day)
    for _ in range(whole):
        day = _next_working_day(day)
    moment = _at(world, day, 9 * 60 + int(fraction * 8 * 60) + rng.randrange(30))
    if moment <= created + timedelta(minutes=15):
        moment = created + timedelta(minutes=rng.randint(20, 90))
        local = moment.astimezone(world.tz)
        if local.hour >= 18 or local.hour < 8 or local.weekday() >= 5:
            moment = _at(world, _next_working_day(local.date()), 9 * 60 + rng.randrange(120))
    return moment


def _office_time(rng, world, after, *, working_days):
    """A moment during office hours (9-17, Monday to Friday) ``working_days`` after ``after``."""
    day = after.astimezone(world.tz).date()
    if day.weekday() >= 5:
        day = _next_working_day(day)
    for _ in range(working_days):
        day = _next_working_day(day)
    moment = _at(world, day, 9 * 60 + rng.randrange(8 * 60))
    if moment <= after:
        moment = after + timedelta(minutes=rng.randint(5, 60))
    return moment


def _history(rng, world, plan, progress, *, recent, named):
    """The case's status changes and contacts; recent cases stop early, older ones are closed."""
    now, created, officer = world.now, plan.created_at, world.officer
    kind = plan.incident.kind
    contact = _first_contact(rng, world, created, progress)
    how = rng.choices(list(CONTACT_NOTES), weights=(6, 3, 1))[0]
    steps = []
    if rng.random() < 0.65:
        # The officer opens the case shortly before getting in touch.
        review = contact - timedelta(minutes=rng.randint(5, 120))
        if review <= created:
            review = created + (contact - created) / 2
        steps.append((Status.IN_REVIEW, review))
    steps.append((Status.CONTACTED, contact))
    contacts = [(how, contact)]

    decided = _office_time(rng, world, contact, working_days=rng.randint(0, 4))
    police = plan.incident.police_report == PoliceReport.YES
    if kind in OFFENCES and named and rng.random() < 0.65:
        if police and rng.random() < 0.3:
            steps.append((Status.AWAITING_POLICE, decided))
            decided = _office_time(rng, world, decided, working_days=rng.randint(4, 18))
        steps.append((Status.MEASURE_PROPOSED, decided))
        closed = _office_time(rng, world, decided, working_days=rng.randint(1, 8))
    elif police and rng.random() < 0.35:
        steps.append((Status.AWAITING_POLICE, decided))
        closed = _office_time(rng, world, decided, working_days=rng.randint(4, 25))
    else:
        steps.append((Status.NO_ACTION, decided))
        closed = decided + timedelta(minutes=rng.randint(1, 30))
    steps.append((Status.CLOSED, closed))
    if rng.random() < 0.25:
        contacts.append((rng.choice((ContactKind.PHONE, ContactKind.EMAIL)), closed))

    if recent:
        # The open queue: reported, in review or contacted, whatever the officer got to so far.
        stage = rng.choices((Status.REPORTED, Status.IN_REVIEW, Status.CONTACTED), (2, 2.5, 5.5))[0]
        if stage == Status.REPORTED:
            steps = []
        elif stage == Status.IN_REVIEW:
            steps = [(Status.IN_REVIEW, created + (contact - created) * rng.uniform(0.2, 0.8))]
        else:
            steps = steps[: 1 + [status for status, _ in steps].index(Status.CONTACTED)]
        steps = [(status, at) for status, at in steps if at <= now]
        if Status.CONTACTED not in [status for status, _ in steps]:
            contacts = []
        contacts = contacts[:1]
    elif closed > now - timedelta(hours=1):
        # Squeeze what came after the first contact into the time there was.
        stretch = ((now - timedelta(hours=1)) - contact) / (closed - contact)

        def squeeze(at):
            return at if at <= contact else contact + (at - contact) * stretch

        steps = [(status, squeeze(at)) for status, at in steps]
        contacts = [(way, squeeze(at)) for way, at in contacts]

    previous = Status.REPORTED
    plan.steps = [(Status.REPORTED, created, plan.incident.reporter, "")]
    for status, at in steps:
        if not can_move(previous, status):
            raise ValueError(f"demo history breaks the workflow: {previous} → {status}")
        if status == Status.CONTACTED:
            note = rng.choice(("", CONTACTED_NOTES[how]))
        elif status == Status.MEASURE_PROPOSED:
            note = BAN_EXTENSION_NOTE if kind == K.BAN_VIOLATION else rng.choice(MEASURE_NOTES)
        else:
            note = rng.choice(PUBLIC_NOTES.get(status, ("",)))
        plan.steps.append((status, at, officer, note))
        previous = status
    plan.contacts = [
        (way, at, rng.choice(CONTACT_NOTES[way] if index == 0 else FOLLOW_UP_NOTES))
        for index, (way, at) in enumerate(contacts)
    ]
    incident = plan.incident
    incident.status = previous
    incident.assigned_to = officer if previous != Status.REPORTED else None
    incident.first_contact_at = plan.contacts[0][1] if plan.contacts else None
    incident.closed_at = plan.steps[-1][1] if previous == Status.CLOSED else None
    incident.updated_at = plan.steps[-1][1]


def _choose_photos(rng, plans, now):
    """About PHOTO_INCIDENTS incidents get one or two stills: only cases the retention job keeps
    (open, closed less than a year ago, or with a measure proposed)."""
    keep_after = now - RETENTION_AFTER_CLOSING + timedelta(days=60)
    candidates = [
        plan
        for plan in plans
        if plan.incident.kind in PHOTO_KINDS
        and plan.incident.person_description
        and (
            plan.incident.closed_at is None
            or plan.incident.closed_at > keep_after
            or any(step[0] == Status.MEASURE_PROPOSED for step in plan.steps)
        )
    ]
    for plan in rng.sample(candidates, min(PHOTO_INCIDENTS, len(candidates))):
        plan.photos = 1 if rng.random() < 0.65 else 2
