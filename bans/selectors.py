from django.apps import apps
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, When
from django.shortcuts import get_object_or_404

from bans import hooks
from bans.models import (
    BAN_KINDS,
    COLLECTIVE_KINDS,
    Measure,
    MeasureKind,
    Person,
    PersonPhoto,
    search_key,
)
from incidents.models import IncidentType
from merchants.models import AuditEvent, Shop, ShopAssignment
from merchants.purpose import Purpose
from plumbing.images import GALLERY_BOXES, fitted_size


def get_person_for_user(user, pk) -> Person:
    """A person in the register of a partnership where the user handles cases, else 404."""
    return get_object_or_404(Person.objects.visible_to(user).select_related("partnership"), pk=pk)


def get_measure_for_user(user, pk) -> Measure:
    return get_object_or_404(
        Measure.objects.filter(person__in=Person.objects.visible_to(user)).select_related(
            "person", "partnership", "incident"
        ),
        pk=pk,
    )


def shops_sharing_an_owner(shops):
    """The shops themselves and every shop owned by one of their owners: an individual ban
    holds for the issuing shop and the same owner's branches."""
    owners = ShopAssignment.objects.filter(
        shop__in=shops, is_owner=True, membership__active=True
    ).values("membership")
    return Shop.objects.filter(
        Q(pk__in=[s.pk for s in shops])
        | Q(assignments__membership__in=owners, assignments__is_owner=True)
    ).distinct()


# What gallery_people loads: what the gallery, its print and a bulletin's entries use.
# The gallery's card filter: its value, and the measures it keeps.
GALLERY_CARDS = {"red": frozenset(BAN_KINDS), "yellow": frozenset({MeasureKind.YELLOW})}

GALLERY_FIELDS = (
    "kind",
    "ends_on",
    "person",
    "person__display_name",
    "person__description",
    "incident",
    "incident__kind",
    "incident__occurred_at",
    "issuing_shop",
    "issuing_shop__name",
)


def gallery_people(partnership, *, day, query="", card="", viewer_shops=()):
    """People with a measure in force that the viewer must know: collective measures of the
    partnership, and individual bans of the viewer's shops or their owner's other branches.
    Red cards (and extensions) first, then yellow, then individual bans. `query` matches the
    display name and the personal description (a tattoo, a jacket); `card` ("red", "yellow")
    keeps the people whose strongest measure is that card.

    Each person comes with `measure` (the strongest in force, with `kind_label`, its incident with
    `kind_label`, and its issuing shop) and `photo_pk` (the newest photo's, or None), with only
    the fields the gallery, its print and the bulletins show. One query whatever the number of
    people: the measures in force with their person, incident and shop joined and the newest
    photo's id. (The measures are not filtered by a subquery on the people with a measure in
    force: that nests the measures table twice, and without fresh statistics PostgreSQL joined
    the two in a nested loop, 2 s for 300 people.)"""
    severity = Case(
        When(kind__in=BAN_KINDS, then=0),
        When(kind=MeasureKind.YELLOW, then=1),
        default=2,
        output_field=IntegerField(),
    )
    applies = Q(kind__in=COLLECTIVE_KINDS)
    if viewer_shops:
        applies |= Q(
            kind=MeasureKind.INDIVIDUAL, issuing_shop__in=shops_sharing_an_owner(viewer_shops)
        )
    newest = PersonPhoto.objects.filter(person=OuterRef("person")).order_by("-created_at", "-pk")
    measures = (
        Measure.objects.filter(applies, partnership=partnership, person__merged_into__isnull=True)
        .in_force_on(day)
        .annotate(
            severity=severity,
            photo_pk=Subquery(newest.values("pk")[:1]),
            # The photo's size, so the page reserves its place before it loads (no jumping).
            photo_width=Subquery(newest.values("width")[:1]),
            photo_height=Subquery(newest.values("height")[:1]),
        )
        .select_related("person", "incident", "issuing_shop")
        .only(*GALLERY_FIELDS)
        .order_by("person_id", "severity", "-ends_on")
    )
    strongest = {}
    for measure in measures:
        strongest.setdefault(measure.person_id, measure)
    # Shops may search by what they see (display name, description), never by the full name.
    words = search_key(query).split()
    kinds = GALLERY_CARDS.get(card)
    # Labels in the request's language, looked up once (get_kind_display() builds its choices
    # dictionary again on every call: 600 times for a gallery of 300).
    measure_labels = {value: str(label) for value, label in MeasureKind.choices}
    incident_labels = {value: str(label) for value, label in IncidentType.choices}
    people = []
    for measure in strongest.values():
        person = measure.person
        if kinds is not None and measure.kind not in kinds:
            continue
        seen = search_key(f"{person.display_name} {person.description}") if words else ""
        if all(w in seen for w in words):
            measure.kind_label = measure_labels.get(measure.kind, measure.kind)
            if measure.incident is not None:
                incident = measure.incident
                incident.kind_label = incident_labels.get(incident.kind, incident.kind)
            person.measure = measure
            person.photo_pk = measure.photo_pk
            if measure.photo_pk:
                person.photo_sizes = {
                    name: fitted_size(measure.photo_width, measure.photo_height, box)
                    for name, box in GALLERY_BOXES.items()
                }
            people.append(person)
    people.sort(key=lambda p: (p.measure.severity, p.display_name.lower()))
    return people


def gallery_photo(partnership, person_pk, photo_pk, *, day, viewer_shops):
    """The photo if this person is in the viewer's gallery today, else None: one query."""
    applies = Q(kind__in=COLLECTIVE_KINDS) | Q(
        kind=MeasureKind.INDIVIDUAL, issuing_shop__in=shops_sharing_an_owner(viewer_shops)
    )
    in_force = Measure.objects.filter(applies, partnership=partnership, person_id=person_pk)
    return (
        PersonPhoto.objects.filter(
            pk=photo_pk,
            person_id=person_pk,
            person__merged_into__isnull=True,
            person__in=in_force.in_force_on(day).values("person"),
        )
        .only("thumbnail", "original", "display")
        .first()
    )


def access_log(partnership, *, person=None, user=None, since=None, until=None):
    events = AuditEvent.objects.filter(
        partnership=partnership, action__in=sorted(hooks.ACCESS_ACTIONS)
    ).select_related("actor")
    if person is not None:
        events = events.filter(object_type="bans.person", object_id=str(person.pk))
    if user is not None:
        events = events.filter(actor=user)
    if since:
        events = events.filter(created_at__date__gte=since)
    if until:
        events = events.filter(created_at__date__lte=until)
    return events.order_by("-created_at", "-pk")


def purpose_label(data) -> str:
    """The purpose an event was stated for, in words, with the user's own few words."""
    code = (data or {}).get("purpose") if isinstance(data, dict) else None
    if code not in Purpose.values:
        return ""
    text = data.get("purpose_text", "")
    return f"{Purpose(code).label}: {text}" if text else str(Purpose(code).label)


def labelled(events):
    """Access-log events with what they say in words (`action_label`) and what they are about
    (`object_label`, the model's name in the reader's language), for pages and documents."""
    events = list(events)
    for event in events:
        event.action_label = hooks.access_label(event.action)
        try:
            model = apps.get_model(event.object_type) if event.object_type else None
        except (LookupError, ValueError):
            model = None
        event.object_label = str(model._meta.verbose_name) if model else ""
        event.purpose_label = purpose_label(event.data)
    return events


def working_shops(user, partnership):
    """The active shops (in active areas) where the user works, in this partnership: the gallery,
    its watermark and the bulletins are for these."""
    return Shop.objects.filter(
        assignments__membership__user=user,
        assignments__membership__active=True,
        area__partnership=partnership,
        area__active=True,
        active=True,
    ).distinct()
