"""The demo register of KVO Deventer: about 40 people with a yellow or a red card in force.

Called by ``manage.py seed_demo`` (demo) after ``demo.incidents``, in the same transaction. Every
person is linked to one or two of the demo incidents (shoplifting or aggression, from the last 11
months, closed, preferably those where the officer's case history says a measure was proposed), and
the register's own use cases do the rest as the demo officer: ``create_person``,
``link_incident``, ``propose_measures`` (so the kinds and terms are the partnership's policy) and
``confirm``. About 25 people get a yellow card with the individual ban for the shop; about 15 a
red card, straight after an aggression or after a second offence while their yellow card ran. The
decisions are then dated back to when the officer handled the case. Each person gets one generated
portrait (``portrait``): a faceless grey head and shoulders on a flat background, never a real
face. Five red cards get their notice letter.

Identity and description follow DESIGN.md section 3: build, hair and clothes only, no ethnicity,
religion, health or the like.

Deterministic: everything is drawn from ``random.Random`` with a fixed seed and depends only on
the demo incidents. Idempotent: the demo people have fixed full names (``PEOPLE``); when one of
them is in the partnership's register, nothing is created.

This package keeps the seeding (``seed_register``) and its summary; the people and their
addresses are in ``people``, their looks in ``look``, the portraits in ``portrait``, and which
person gets which report in ``plan``.
"""

import random
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation

from bans import services
from bans.models import (
    BAN_KINDS,
    Measure,
    MeasureChange,
    MeasureKind,
    MeasureStatus,
    NoticeLetter,
    Person,
    PersonIncident,
    PersonPhoto,
)
from bans.notices import issue_notice
from demo.logs import quiet
from demo.register.look import Look, draw_look
from demo.register.people import (
    BIRTH_PLACES,
    DEMO_FULL_NAMES,
    OFFICER_EMAIL,
    PEOPLE,
    F,
    M,
    _address,
    display_name,
)
from demo.register.plan import _age_on, _cases, _plan
from demo.register.portrait import PORTRAIT_SIZE, portrait
from merchants.models import User
from merchants.roles import Role
from merchants.services import log_action
from plumbing.images import process_upload

__all__ = [
    "BIRTH_PLACES",
    "DEMO_FULL_NAMES",
    "DEMO_SEED",
    "LANGUAGE",
    "OFFICER_EMAIL",
    "PEOPLE",
    "PORTRAIT_SIZE",
    "F",
    "Look",
    "M",
    "demo_officer",
    "display_name",
    "draw_look",
    "has_demo_register",
    "portrait",
    "seed_register",
    "summary_lines",
]

DEMO_SEED = 2003
NOTICES = 5
LANGUAGE = "nl"
DECISION_REASONS = (
    "",
    "",
    "",
    "Camerabeelden bekeken; de persoon is herkend.",
    "De maatregel is in een gesprek met betrokkene toegelicht.",
)


def demo_officer(partnership):
    return User.objects.filter(
        email=OFFICER_EMAIL,
        memberships__partnership=partnership,
        memberships__role=Role.OFFICER,
        memberships__active=True,
    ).first()


def has_demo_register(partnership) -> bool:
    return Person.objects.filter(partnership=partnership, full_name__in=DEMO_FULL_NAMES).exists()


def seed_register(partnership, *, officer=None, now=None, rng_seed=DEMO_SEED) -> dict:
    """Put the demo people in ``partnership``'s register (see the module docstring); returns
    counts of what was created and ``skipped`` when the register had them already."""
    counts = {"people": 0, "measures": 0, "photos": 0, "notices": 0, "skipped": True}
    if has_demo_register(partnership):
        return counts
    officer = officer or demo_officer(partnership)
    if officer is None:
        raise ValueError(f"{partnership} has no demo officer to decide on measures.")
    now = now or timezone.now()
    rng = random.Random(rng_seed)  # noqa: S311 (demo data, not secrets)
    plans = _plan(rng, _cases(partnership, now), now)
    stored = []
    try:
        with transaction.atomic(), translation.override(LANGUAGE):
            counts = _save(rng, partnership, plans, officer, now, stored)
            log_action(
                "bans.demo.seeded",
                actor=officer,
                partnership=partnership,
                obj=partnership,
                data={key: value for key, value in counts.items() if key != "skipped"},
            )
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return counts


def summary_lines(partnership, created) -> list[str]:
    """The register's totals: people, who has a red card and who a yellow one only, photos and
    letters. (Someone with a red card after a second offence still has the yellow card too.)"""
    people = Person.objects.filter(partnership=partnership, merged_into__isnull=True)
    in_force = services.collective_in_force(partnership)
    yellow = in_force.filter(kind=MeasureKind.YELLOW).count()
    banned = in_force.values("person").distinct().count()
    red = in_force.filter(kind__in=BAN_KINDS).values("person").distinct().count()
    photos = PersonPhoto.objects.filter(person__partnership=partnership).count()
    notices = NoticeLetter.objects.filter(measure__partnership=partnership).count()
    return [
        f"  register: {people.count()} people ({created['people']} new), {banned} with a "
        f"collective measure in force: {red} with a red card, {banned - red} with a yellow card "
        f"only ({yellow} yellow cards in force); {photos} photos, {notices} notice letters"
    ]


def _save(rng, partnership, plans, officer, now, stored) -> dict:
    counts = {"people": 0, "measures": 0, "photos": 0, "notices": 0, "skipped": False}
    today = timezone.localdate(now)
    reds = []
    for plan in plans:
        first = plan.steps[0].case
        age = _age_on(plan.birth_date, today)
        look = draw_look(_rng("look", plan.full_name), plan.gender, age)
        address, town = _address(rng)
        person = services.create_person(
            partnership=partnership,
            actor=officer,
            display_name=display_name(plan.full_name),
            description=look.description(),
            full_name=plan.full_name,
            birth_date=plan.birth_date,
            birth_place=rng.choice(BIRTH_PLACES),
            address=address,
            residence=town,
        )
        created_at = first.handled_at - timedelta(minutes=rng.randint(5, 40))
        last_change = created_at
        still = portrait(_rng("portrait", plan.full_name), look)
        photo = services.add_photo(person, process_upload(still), actor=officer)
        stored += [photo.original.name, photo.thumbnail.name]
        PersonPhoto.objects.filter(pk=photo.pk).update(created_at=created_at + timedelta(minutes=2))
        counts["photos"] += 1

        for step in plan.steps:
            case, decided_at = step.case, step.decided_at
            link = services.link_incident(person, case.incident, actor=officer)
            linked_at = case.handled_at - timedelta(minutes=rng.randint(1, 4))
            PersonIncident.objects.filter(pk=link.pk).update(linked_at=max(linked_at, created_at))
            measures = services.propose_measures(
                person, case.incident, actor=officer, today=case.day
            )
            reason = rng.choice(DECISION_REASONS)
            terms = {m.pk: (m.starts_on, m.ends_on) for m in measures}
            for measure in measures:
                # Confirming a yellow card may confirm its individual ban along with it.
                measure.refresh_from_db(fields=["status"])
                if measure.status == MeasureStatus.PROPOSED:
                    services.confirm(measure, actor=officer, reason=reason)
                # Decided back then, so the terms run from then (a decision today would start
                # today).
                Measure.objects.filter(pk=measure.pk).update(
                    starts_on=terms[measure.pk][0], ends_on=terms[measure.pk][1]
                )
                measure.starts_on, measure.ends_on = terms[measure.pk]
                _date_back(measure, proposed_at=case.handled_at, decided_at=decided_at)
                counts["measures"] += 1
                if measure.kind == MeasureKind.RED:
                    reds.append(measure)
            last_change = decided_at
        Person.objects.filter(pk=person.pk).update(created_at=created_at, updated_at=last_change)
        counts["people"] += 1

    # The letters of the most recent red cards: the ones an officer would be sending now.
    reds.sort(key=lambda m: (m.starts_on, m.pk), reverse=True)
    with quiet():
        for measure in reds[:NOTICES]:
            measure.refresh_from_db()
            notice = issue_notice(measure, actor=officer)
            stored.append(notice.pdf.name)
            counts["notices"] += 1
    return counts


def _rng(*parts):
    """A generator of its own per person and purpose: one person's look does not depend on who
    came before."""
    return random.Random(":".join((str(DEMO_SEED), *parts)))  # noqa: S311 (demo data)


def _date_back(measure, *, proposed_at, decided_at):
    """Time stamps as if the officer had handled the case then, not now."""
    Measure.objects.filter(pk=measure.pk).update(created_at=proposed_at, decided_at=decided_at)
    history = list(MeasureChange.objects.filter(measure=measure).order_by("pk"))
    for change in history:
        at = proposed_at if change.to_status == MeasureStatus.PROPOSED else decided_at
        MeasureChange.objects.filter(pk=change.pk).update(created_at=at)
