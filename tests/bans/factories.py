from datetime import date, timedelta

import factory

from bans.models import Measure, MeasureKind, MeasureStatus, Person
from tests.factories import PartnershipFactory


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    partnership = factory.SubFactory(PartnershipFactory)
    display_name = factory.Sequence(lambda n: f"Persoon {n}.")
    description = "Lang, donker haar"
    full_name = factory.Sequence(lambda n: f"Voornaam Achternaam{n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    """MeasureFactory(person=p, kind="yellow", starts_on=..., ends_on=...), active by default."""

    class Meta:
        model = Measure

    person = factory.SubFactory(PersonFactory)
    partnership = factory.SelfAttribute("person.partnership")
    kind = MeasureKind.YELLOW
    status = MeasureStatus.ACTIVE
    starts_on = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=364))

    class Params:
        proposed = factory.Trait(status=MeasureStatus.PROPOSED)
        expired = factory.Trait(
            status=MeasureStatus.EXPIRED,
            starts_on=factory.LazyFunction(lambda: date.today() - timedelta(days=400)),
        )
        revoked = factory.Trait(status=MeasureStatus.REVOKED)
        suspended = factory.Trait(status=MeasureStatus.SUSPENDED)
