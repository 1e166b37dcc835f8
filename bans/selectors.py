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
