from django.shortcuts import get_object_or_404

from bans.models import Measure, Person


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


def gallery_people(partnership, *, day, query=""):
    """People with a collective measure in force in the partnership: red cards (and extensions)
    first, then yellow; each with the measure that applies and its most recent incident."""
    from django.db.models import Case, IntegerField, Prefetch, When

    from bans.models import BAN_KINDS, COLLECTIVE_KINDS, PersonPhoto, search_key

    in_force = Measure.objects.filter(
        partnership=partnership, kind__in=COLLECTIVE_KINDS
    ).in_force_on(day)
    people = Person.objects.filter(
        partnership=partnership, merged_into__isnull=True, pk__in=in_force.values("person")
    )
    for word in search_key(query).split():
        people = people.filter(search_name__contains=word)
    severity = Case(When(kind__in=BAN_KINDS, then=0), default=1, output_field=IntegerField())
    measures = list(
        in_force.filter(person__in=people)
        .annotate(severity=severity)
        .select_related("incident")
        .order_by("person_id", "severity", "-ends_on")
    )
    strongest = {}
    for measure in measures:
        strongest.setdefault(measure.person_id, measure)
    people = list(
        people.prefetch_related(Prefetch("photos", PersonPhoto.objects.order_by("-created_at")))
    )
    for person in people:
        person.measure = strongest[person.pk]
        person.photo = next(iter(person.photos.all()), None)
    people.sort(key=lambda p: (p.measure.severity, p.display_name.lower()))
    return people


# What counts as access to personal data in the register, for the access log page.
ACCESS_ACTIONS = (
    "bans.person.viewed",
    "bans.gallery.viewed",
    "bans.gallery.printed",
    "bans.notice.printed",
    "bans.notice.issued",
    "bans.sighting.reported",
    "incidents.pdf.case_printed",
    "incidents.pdf.aangifte_printed",
    "incidents.export.full",
)


def access_log(partnership, *, person=None, user=None, since=None, until=None):
    from merchants.models import AuditEvent

    events = AuditEvent.objects.filter(
        partnership=partnership, action__in=ACCESS_ACTIONS
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
