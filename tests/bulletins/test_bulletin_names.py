"""A bulletin about a person whose name is not plain ASCII ("Fatma Ç.", as in the demo) reaches
the shops: the merged build read such a text part as ASCII and failed every delivery."""

import pytest
from django.core import mail
from django.urls import reverse

from bulletins import outbox as bulletin_outbox
from bulletins.models import BulletinDelivery, DeliveryState
from tests.bulletins.test_bulletins import make, ready  # noqa: F401 (fixture)


@pytest.mark.parametrize("mode", ["inline", "link"])
def test_a_name_with_accents_goes_out(ready, mode):  # noqa: F811
    from tests.factories import bulletin_mode

    bulletin_mode(ready.deventer, mode)
    ready.banned.display_name = "Fatma Ç."
    ready.banned.description = "Jas met capuchon, tatoeage op de pols: “Ünal”"
    ready.banned.save()
    mail.outbox.clear()
    bulletin = make(ready)
    bulletin_outbox.send_deliveries(bulletin.pk)
    row = BulletinDelivery.objects.get(shop=ready.shop)
    assert (row.state, row.reason) == (DeliveryState.SENT, "")
    (message,) = mail.outbox
    assert "Fatma Ç." in message.body


@pytest.mark.parametrize("mode", ["inline", "link"])
def test_the_merged_email_with_such_a_name_is_what_django_builds(ready, mode):  # noqa: F811
    from bulletins import content as bulletin_content
    from plumbing.mail import MergedMessage, as_merged
    from tests.bulletins.test_bulletins import _normalised, _row_and_edition

    ready.banned.display_name = "Fatma Ç."
    ready.banned.save()
    row, edition = _row_and_edition(ready, mode, "Bakkerij Jansen")
    merged = bulletin_content.build_message(row, edition, merged=True)
    ordinary = bulletin_content.build_message(row, edition, merged=False)
    assert isinstance(merged, MergedMessage)
    assert _normalised(merged.data) == _normalised(as_merged(ordinary).data)


def test_why_a_shop_got_nothing_reads_in_the_readers_language(ready, client_as):  # noqa: F811
    """Issue 18: the delivery report's reasons are stored in English and worded for the reader."""
    bulletin = make(ready)
    row = BulletinDelivery.objects.get(bulletin=bulletin, shop=ready.neighbour_shop)
    assert row.reason == "No signed protocol declaration"
    client = client_as("officer")
    url = reverse("bulletins:delivery_report", args=[bulletin.pk])
    assert "Geen ondertekende protocolverklaring" in client.get(url).text
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").text
    assert "No signed protocol declaration" in english and "Geen ondertekende" not in english
