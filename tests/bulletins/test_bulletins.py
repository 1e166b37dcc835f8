"""Bulletins made and sent in process (the locmem mail backend); the real worker and SMTP sink
are in tests/test_bulletin_delivery.py."""

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from bulletins import content as bulletin_content
from bulletins import editions as bulletin_editions
from bulletins import outbox as bulletin_outbox
from bulletins.models import Bulletin, BulletinDelivery, DeliveryState
from merchants.models import Shop
from merchants.services import sign_protocol
from plumbing.images import decode_for_watermark
from plumbing.mail import (
    InvalidRecipient,
    MailMerge,
    MergedMessage,
    as_merged,
    envelope_address,
)
from tests.factories import bulletin_mode


@pytest.fixture
def ready(world):
    """Deventer with a red card in force (with photo), and Bakkerij Jansen signed up."""
    bulletin_mode(world.deventer, "inline")
    world.shop.bulletin_email = "bulletin@bakkerij-jansen.nl"
    world.shop.save()
    sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
    assert world.banned.pk
    return world


def make(world, trigger="manual"):
    return bulletin_editions.make_bulletin(
        world.deventer, trigger=trigger, actor=world.users["officer"]
    )


def test_a_bulletin_goes_to_signed_shops_and_says_why_not_to_the_others(ready):
    mail.outbox.clear()
    bulletin = make(ready)
    bulletin_outbox.send_deliveries(bulletin.pk)
    rows = {row.shop.name: row for row in BulletinDelivery.objects.select_related("shop")}
    assert rows["Bakkerij Jansen"].state == DeliveryState.SENT
    assert rows["Drogisterij Smit"].state == DeliveryState.NOT_SENT
    assert rows["Drogisterij Smit"].reason
    assert "Boekhandel Zwolle" not in rows  # another partnership
    assert [m.to for m in mail.outbox] == [["bulletin@bakkerij-jansen.nl"]]


def test_inline_photos_are_watermarked_per_shop_and_referenced_from_the_html(ready):
    mail.outbox.clear()
    bulletin = make(ready)
    bulletin_outbox.send_deliveries(bulletin.pk)
    parsed = email.message_from_bytes(mail.outbox[0].message().as_bytes())
    html = next(p for p in parsed.walk() if p.get_content_type() == "text/html")
    images = [p for p in parsed.walk() if p.get_content_type() == "image/jpeg"]
    assert len(images) == 1
    cid = images[0]["Content-ID"].strip("<>")
    assert f"cid:{cid}" in html.get_payload(decode=True).decode()
    assert "Rob K." in html.get_payload(decode=True).decode()
    # The photo is the thumbnail with the receiving shop's mark, not the stored file.
    sent = images[0].get_payload(decode=True)
    with default_storage.open(ready.banned.photos.get().thumbnail.name, "rb") as handle:
        stored = handle.read()
    assert sent != stored
    assert decode_for_watermark(sent).size == decode_for_watermark(stored).size
    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "mail"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "bulletin-inline-photo.jpg").write_bytes(sent)  # looked at by hand


def test_sending_twice_sends_nothing_twice(ready):
    mail.outbox.clear()
    bulletin = make(ready)
    bulletin_outbox.send_deliveries(bulletin.pk)
    bulletin_outbox.send_deliveries(bulletin.pk)
    assert len(mail.outbox) == 1


def test_a_revoked_card_is_left_out_of_emails_sent_after_the_revocation(ready):
    from bans import services

    bulletin = make(ready)
    red = ready.banned.measures.get()
    services.revoke(red, actor=ready.users["officer"], reason="Vergissing")
    mail.outbox.clear()
    bulletin_outbox.send_deliveries(bulletin.pk)
    body = mail.outbox[0].alternatives[0][0]
    assert "Rob K." not in body and not mail.outbox[0].attachments


def test_red_cards_within_the_delay_make_one_bulletin(ready, settings):
    settings.BULLETIN_DELAY_SECONDS = 600
    now = timezone.now()
    first = bulletin_editions.request_bulletin(ready.deventer, now=now)
    second = bulletin_editions.request_bulletin(ready.deventer, now=now + timedelta(minutes=3))
    assert first.pk == second.pk
    assert bulletin_editions.make_due_bulletins(now=now + timedelta(minutes=5)) == 0
    assert bulletin_editions.make_due_bulletins(now=now + timedelta(minutes=11)) == 1
    assert bulletin_editions.make_due_bulletins(now=now + timedelta(minutes=12)) == 0
    assert Bulletin.objects.count() == 1


def test_link_mode_link_works_for_the_shop_and_not_for_another(ready, client_as):
    from merchants.services import sign_protocol as sign

    bulletin_mode(ready.deventer, "link")
    mail.outbox.clear()
    bulletin = make(ready)
    bulletin_outbox.send_deliveries(bulletin.pk)
    message = mail.outbox[0]
    assert not message.attachments
    link = next(w for w in message.body.split() if "/register/bulletins/" in w)
    path = link.replace("http://testserver", "")
    client = client_as("participant")
    sign(ready.protocol, actor=ready.users["participant"])
    page = client.get(path)
    assert page.status_code == 200 and "Rob K." in page.content.decode()
    pdf = client.get(reverse("bulletins:pdf", args=[bulletin.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    neighbour = client_as("neighbour_owner")
    sign(ready.protocol, actor=ready.users["neighbour_owner"])
    assert neighbour.get(path).status_code == 403


def test_the_delivery_report_counts_per_state(ready, client_as):
    bulletin = make(ready)
    bulletin_outbox.send_deliveries(bulletin.pk)
    page = client_as("officer").get(reverse("bulletins:overview")).content.decode()
    row = page[page.index(reverse("bulletins:delivery_report", args=[bulletin.pk])) :]
    cells = [c.split("<")[0] for c in row.split('<td class="number">')[1:5]]
    assert cells == ["1", "0", "0", "1"]  # sent, waiting, failed, not sent (the neighbour)


# --- found in review ----------------------------------------------------------------------------


def test_a_missing_photo_file_leaves_the_photo_out_not_the_bulletin(ready, client_as):
    from django.core.files.storage import default_storage

    from merchants.services import sign_protocol as sign

    photo = ready.banned.photos.get()
    default_storage.delete(photo.thumbnail.name)
    mail.outbox.clear()
    bulletin = make(ready)
    bulletin_outbox.send_deliveries(bulletin.pk)
    assert len(mail.outbox) == 1 and "Rob K." in mail.outbox[0].body
    assert BulletinDelivery.objects.get(shop=ready.shop).state == DeliveryState.SENT
    sign(ready.protocol, actor=ready.users["participant"])
    client = client_as("participant")
    url = reverse("bulletins:photo", args=[bulletin.pk, ready.banned.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("bulletins:pdf", args=[bulletin.pk])).status_code == 200


def test_a_red_card_revoked_before_its_bulletin_was_due_sends_nothing(ready, settings):
    from bans import services
    from tests.bans.factories import MeasureFactory, PersonFactory

    make(ready)  # the edition everyone already has (Rob K.)
    settings.BULLETIN_DELAY_SECONDS = 600
    now = timezone.now()
    extra = MeasureFactory(person=PersonFactory(partnership=ready.deventer), kind="red")
    bulletin_editions.request_bulletin(ready.deventer, now=now)
    services.revoke(extra, actor=ready.users["officer"], reason="Vergissing")
    assert bulletin_editions.make_due_bulletins(now=now + timedelta(minutes=11)) == 0
    assert Bulletin.objects.count() == 1


def test_the_weekly_digest_is_made_once_a_week(ready):
    assert bulletin_editions.weekly_bulletin(ready.deventer) is not None
    assert bulletin_editions.weekly_bulletin(ready.deventer) is None
    assert bulletin_editions.weekly_bulletin(ready.deventer, now=timezone.now() + timedelta(days=7))


def test_a_retry_in_eager_mode_waits_instead_of_looping(ready, monkeypatch):
    bulletin = make(ready)

    def refuse(message, row, connection, marks):
        bulletin_outbox._retry(row, "451 try again later")
        return "retry"

    monkeypatch.setattr(bulletin_outbox, "_deliver", refuse)
    result = bulletin_outbox.send_deliveries(bulletin.pk)
    row = BulletinDelivery.objects.get(shop=ready.shop)
    assert (result.retried, row.state, row.attempts) == (1, DeliveryState.QUEUED, 1)


def test_the_sweeper_sends_rows_whose_task_was_lost(ready, django_capture_on_commit_callbacks):
    bulletin = make(ready)  # its sending task runs on commit, which this test never does
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        bulletin_outbox.requeue_stuck(now=timezone.now() + timedelta(minutes=3))
    assert len(mail.outbox) == 1
    assert BulletinDelivery.objects.get(bulletin=bulletin, shop=ready.shop).state == "sent"


def test_the_email_tells_a_ban_from_a_warning(ready):
    mail.outbox.clear()
    bulletin_outbox.send_deliveries(make(ready).pk)
    body = " ".join(mail.outbox[0].body.split())
    assert "gele kaart is een waarschuwing" in body.lower()


def test_a_malformed_address_fails_that_row_with_the_reason_and_the_rest_go(ready):
    from merchants.models import Shop

    sign_protocol(ready.protocol, actor=ready.users["neighbour_owner"], shop=ready.neighbour_shop)
    Shop.objects.filter(pk=ready.neighbour_shop.pk).update(bulletin_email="kapot\nBcc: x@y.nl")
    mail.outbox.clear()
    bulletin = make(ready)
    bulletin_outbox.send_deliveries(bulletin.pk)
    broken = BulletinDelivery.objects.get(bulletin=bulletin, shop=ready.neighbour_shop)
    assert broken.state == DeliveryState.FAILED and broken.reason
    assert [m.to for m in mail.outbox] == [["bulletin@bakkerij-jansen.nl"]]


# --- each shop's email, made from one rendering (MailMerge) ---------------------------------------

HOSTILE_NAMES = [
    "Bakkerij Jansen",
    'Café \'t Hoekje & Zn. <b>"open"</b>',  # escaped in the HTML, as is in the text, 8-bit
    "Winkel\nmet een regel erbij",
]


def _normalised(data: bytes) -> bytes:
    """The bytes without what differs between two builds of one message anyway: the random
    MIME boundaries, the Date and the Message-ID."""
    for number, boundary in enumerate(dict.fromkeys(re.findall(rb'boundary="([^"]+)"', data))):
        data = data.replace(boundary, b"BOUNDARY-%d" % number)
    data = re.sub(rb"\r\nDate: [^\r]*", b"\r\nDate: -", data)
    return re.sub(rb"\r\nMessage-ID: [^\r]*", b"\r\nMessage-ID: -", data)


def _row_and_edition(ready, mode, name, email="bulletin@bakkerij-jansen.nl"):
    bulletin_mode(ready.deventer, mode)
    Shop.objects.filter(pk=ready.shop.pk).update(name=name, bulletin_email=email)
    bulletin = make(ready)
    row = BulletinDelivery.objects.select_related("shop", "bulletin__partnership").get(
        bulletin=bulletin, shop=ready.shop
    )
    day = timezone.localdate()
    return row, bulletin_content.Edition(
        bulletin, day, bulletin_content.current_entries(bulletin, day)
    )


@pytest.mark.parametrize("mode", ["link", "inline"])
@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=["plain", "html-and-8bit", "newline"])
def test_the_merged_email_is_byte_for_byte_what_django_builds(ready, mode, name):
    row, edition = _row_and_edition(ready, mode, name)
    merged = bulletin_content.build_message(row, edition, merged=True)
    ordinary = bulletin_content.build_message(row, edition, merged=False)

    assert isinstance(merged, MergedMessage)
    django_made = as_merged(ordinary)
    assert (merged.from_email, merged.recipients) == (
        django_made.from_email,
        django_made.recipients,
    )
    assert _normalised(merged.data) == _normalised(django_made.data)
    parsed = email.message_from_bytes(merged.data, policy=email.policy.default)
    assert parsed["To"] == "bulletin@bakkerij-jansen.nl"
    assert name.split("\n")[0] in parsed.get_body(("plain",)).get_content()
    images = [part for part in parsed.walk() if part.get_content_maintype() == "image"]
    assert len(images) == (1 if mode == "inline" else 0)


@pytest.mark.parametrize("mode", ["link", "inline"])
def test_one_rendering_shows_each_shop_what_its_own_rendering_would(ready, mode):
    """The templates are rendered once with placeholders; filled in, they must read exactly as
    the templates rendered for the shop itself (a filter on the shop's name would break this)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    name = HOSTILE_NAMES[1]
    row, edition = _row_and_edition(ready, mode, name)
    message = bulletin_content.build_message(row, edition, merged=False)
    entry = edition.entries[0]
    cid = f"person-{entry.person_id}-{row.pk}@kvo" if mode == "inline" else None
    link = edition.link
    if mode == "link":
        link += "?t=" + re.search(r"\?t=(\S+)", message.body).group(1)
    context = {
        "bulletin": row.bulletin,
        "partnership": row.bulletin.partnership,
        "shop": row.shop,
        "people": [
            {
                "name": entry.person.display_name,
                "description": entry.person.description,
                "kind": entry.measure.get_kind_display(),
                "is_ban": True,
                "ends_on": entry.measure.ends_on,
                "is_new": entry.is_new,
                "cid": cid,
            }
        ],
        "inline": mode == "inline",
        "link": link,
        "day": edition.day,
        "last_day": entry.measure.ends_on,
    }
    with translation.override("nl"):
        text = render_to_string("bulletins/email/bulletin_message.txt", context)
        html = render_to_string("bulletins/email/bulletin_message.html", context)
    assert message.body == text
    assert message.alternatives[0][0] == html
    assert "Café &#x27;t Hoekje &amp; Zn. &lt;b&gt;" in html and name in text
    if mode == "link":
        token = link.split("?t=")[1]
        assert bulletin_content.read_link_token(token, row.bulletin_id) == row.shop_id


def test_a_line_too_long_for_8bit_is_built_the_ordinary_way(ready):
    """A description with a line over 998 bytes: Django encodes that part as quoted-printable,
    which the merge does not do, so the bulletin's emails are built by Django, and correct."""
    type(ready.banned).objects.filter(pk=ready.banned.pk).update(description="lang " * 250)
    row, edition = _row_and_edition(ready, "link", "Bakkerij Jansen")
    assert not edition.merge_ready
    message = bulletin_content.build_message(row, edition, merged=True)
    assert not isinstance(message, MergedMessage)
    assert b"Content-Transfer-Encoding: quoted-printable" in as_merged(message).data


def test_a_value_that_makes_a_line_too_long_is_left_to_django():
    from django.core.mail import EmailMultiAlternatives

    merge = MailMerge()
    name = merge.field("name")
    prototype = EmailMultiAlternatives("Onderwerp", f"Voor {name}: lees dit.\n", to=[])
    merge.compile(prototype)
    assert merge.render("a@b.nl", {"name": "x" * 900}) is not None
    assert merge.render("a@b.nl", {"name": "x" * 990}) is None  # 998 with "Voor : lees dit."


def test_a_malformed_address_fails_the_merged_build_as_invalid(ready):
    row, edition = _row_and_edition(ready, "link", "Bakkerij Jansen", "kapot\nBcc: x@y.nl")
    with pytest.raises(InvalidRecipient):
        bulletin_content.build_message(row, edition, merged=True)


@pytest.mark.parametrize(
    "address",
    [
        "a@b.nl",
        "Winkel0001@Bench-1.Example.NL",
        "first.last+tag@sub.domain.example",
        "o'brien@b.nl",
        "x@-a.nl",
        "x@xn--caf-dma.nl",
        "a..b@c.nl",  # not a dot-atom: Django's parser decides
        "x@a..b",
        "x@b.nl.",
        "x@" + "a" * 64 + ".nl",
        "jan@café.nl",
        "Jan Smit <jan@b.nl>",
    ],
)
def test_the_quick_address_check_agrees_with_django(address):
    from django.core.mail.message import sanitize_address

    try:
        expected = sanitize_address(address, "utf-8")
    except ValueError as error:
        with pytest.raises(type(error)):
            envelope_address(address, "utf-8")
    else:
        assert envelope_address(address, "utf-8") == expected


def test_an_edition_is_rendered_again_when_what_it_shows_changes(ready):
    row, edition = _row_and_edition(ready, "inline", "Bakkerij Jansen")
    bulletin, day = row.bulletin, edition.day
    assert edition.shows(bulletin, bulletin_content.current_entries(bulletin, day), day)
    Person = type(ready.banned)
    Person.objects.filter(pk=ready.banned.pk).update(display_name="Rob K. (Robbie)")
    assert not edition.shows(bulletin, bulletin_content.current_entries(bulletin, day), day)
    tomorrow = day + timedelta(days=1)
    assert not edition.shows(bulletin, edition.entries, tomorrow)


# --- the bulletin's watermark (bulletins.content.mark_photo) ------------------------------------


def test_the_bulletin_watermark_marks_a_photo_visibly_and_keeps_it_recognisable():
    import io

    from PIL import Image, ImageChops, ImageStat

    from plumbing.images import decode_for_watermark
    from tests.incidents.factories import cctv_still

    photo = decode_for_watermark(cctv_still(seed=3))
    marked = bulletin_content.mark_photo(photo, "Bakkerij Jansen · 26-11-2026")
    # The same bytes every time (tests compare them), and the photo is left as it was.
    assert marked == bulletin_content.mark_photo(photo, "Bakkerij Jansen · 26-11-2026")
    assert marked != bulletin_content.mark_photo(photo, "Drogisterij Smit · 26-11-2026")
    with Image.open(io.BytesIO(marked)) as out:
        assert (out.format, out.size) == ("JPEG", photo.size)
        assert not out.getexif() and "progressive" not in out.info
        difference = ImageStat.Stat(ImageChops.difference(photo.convert("L"), out.convert("L")))
        assert 1 < difference.mean[0] < 60
    wide = photo.resize((photo.width * 2, photo.height))  # a second size, its own layer
    with Image.open(io.BytesIO(bulletin_content.mark_photo(wide, "Bakkerij Jansen"))) as out:
        assert out.size == wide.size


def test_a_row_due_behind_the_claims_is_still_sent_by_the_same_run(ready, monkeypatch):
    """Claims move forward in shop order; a row that becomes due behind them (the sweeper put it
    back, say) is found by one more claim from the start before the run calls it done."""
    sign_protocol(ready.protocol, actor=ready.users["neighbour_owner"], shop=ready.neighbour_shop)
    Shop.objects.filter(pk=ready.neighbour_shop.pk).update(bulletin_email="smit@example.nl")
    bulletin = make(ready)
    first, last = BulletinDelivery.objects.filter(bulletin=bulletin).order_by("shop_id")
    claim = bulletin_outbox._claim
    claims = []

    def claim_and_put_back(bulletin_id, batch_size, now, after=None):
        rows = claim(bulletin_id, batch_size, now, after)
        claims.append((after, [row.pk for row in rows]))
        if [row.pk for row in rows] == [last.pk]:  # the first row goes back to the queue
            BulletinDelivery.objects.filter(pk=first.pk).update(state=DeliveryState.QUEUED)
        return rows

    monkeypatch.setattr(bulletin_outbox, "_claim", claim_and_put_back)
    mail.outbox.clear()
    result = bulletin_outbox.send_deliveries(bulletin.pk, batch_size=1)
    assert claims == [
        (None, [first.pk]),
        (first.shop_id, [last.pk]),
        (last.shop_id, []),
        (None, [first.pk]),  # from the start
        (first.shop_id, []),
        (None, []),
    ]
    assert result.sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, first.email, last.email])
