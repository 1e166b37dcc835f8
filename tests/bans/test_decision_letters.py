"""A decision answers at once; its notice letters are made by the worker afterwards (issue 18:
confirming took 1.5-2 s because the PDFs were made in the request)."""

from datetime import date

import pytest
from django.urls import reverse

from bans import services
from bans.models import NoticeLetter
from bans.tasks import issue_notices_for_decision
from tests.bans.factories import PersonFactory
from tests.bans.test_policy import offence


@pytest.fixture
def person(world):
    return PersonFactory(partnership=world.deventer)


def test_confirming_queues_the_letters_and_says_so(client, world, person):
    officer = world.users["officer"]
    incident = offence(world, date(2026, 3, 2))
    services.link_incident(person, incident, actor=officer)
    card, ban = services.propose_measures(person, incident, actor=officer)
    client.force_login(officer)
    page = client.post(reverse("bans:confirm", args=[card.pk]), follow=True)
    assert "De kennisgeving wordt gemaakt" in page.text
    # Celery runs eagerly in the tests: the worker's part is done by now, for this card only.
    assert NoticeLetter.objects.filter(measure=card).exists()
    assert not NoticeLetter.objects.filter(measure=ban).exists()


def test_the_letter_task_is_idempotent_and_skips_a_revoked_measure(world, person):
    officer = world.users["officer"]
    incident = offence(world, date(2026, 3, 2))
    services.link_incident(person, incident, actor=officer)
    card, _ban = services.propose_measures(person, incident, actor=officer)
    services.confirm(card, actor=officer)
    assert issue_notices_for_decision.apply(args=[card.pk, officer.pk]).get() == 1
    assert issue_notices_for_decision.apply(args=[card.pk, officer.pk]).get() == 1
    assert NoticeLetter.objects.filter(measure=card).count() == 1

    other = offence(world, date(2026, 4, 2))
    services.link_incident(person, other, actor=officer)
    later = services.propose_measures(person, other, actor=officer)[0]
    services.confirm(later, actor=officer)
    services.revoke(later, actor=officer, reason="Verkeerde persoon")
    assert issue_notices_for_decision.apply(args=[later.pk, officer.pk]).get() == 0
    assert not NoticeLetter.objects.filter(measure=later).exists()
