"""Objections: entered by the administrator or made on the public page, decided within four
weeks by another officer, a suspension meanwhile, a decision letter; the wrong person leaves the
gallery at once and the shops get a correction with the next bulletin."""

import io
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from bans import objections, services
from bans.models import MeasureStatus, Objection
from bans.notices import notice_pdf_bytes
from bans.selectors import gallery_people
from bulletins.editions import make_bulletin
from bulletins.models import Bulletin
from merchants.models import DeletionRecord
from merchants.services import sign_protocol
from tests.bans.factories import MeasureFactory, PersonFactory

BORN = date(1991, 3, 14)


def text_of(pdf):
    return " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def entered(world, measure, **changes):
    fields = {
        "channel": "letter",
        "objector": "mr. A. de Wit, advocaat",
        "contact": "Postbus 12, 7400 AA Deventer",
        "grounds": "Mijn cliënt was die dag in Zwolle.",
        "received_on": timezone.localdate(),
        **changes,
    }
    return objections.record_objection(measure, actor=world.users["administrator"], **fields)


class TestEntering:
    def test_the_administrator_enters_a_letter_with_a_four_week_term(self, client, world, banned):
        red = banned.measures.get()
        client.force_login(world.users["administrator"])
        response = client.post(
            reverse("bans:objection_new"),
            {
                "measure": f"DEV-M{red.pk:06d}",
                "channel": "letter",
                "received_on": "2026-12-01",
                "objector": "S. Bakker",
                "contact": "Brink 9, Deventer",
                "grounds": "Ik was het niet.",
            },
        )
        objection = Objection.objects.get()
        assert response.url == reverse("bans:objection", args=[objection.pk])
        assert objection.due_on == date(2026, 12, 29)
        assert objection.entered_by == world.users["administrator"]
        assert objection.reference == f"BZW-DEV-{objection.pk:05d}"
        # A second letter about the same measure is refused while the first is open.
        again = client.post(
            reverse("bans:objection_new"),
            {
                "measure": f"DEV-M{red.pk:06d}",
                "channel": "email",
                "received_on": "2026-12-02",
                "objector": "S. Bakker",
                "contact": "s@example.nl",
                "grounds": "Nogmaals.",
            },
        )
        assert again.status_code == 400
        assert f"Bezwaar {objection.reference} tegen deze maatregel staat nog open." in (
            again.content.decode()
        )

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"measure": "DEV-M999999"}, "Er is geen maatregel met dit kenmerk in uw register."),
            ({"measure": "Sjaak"}, "Schrijf het kenmerk zoals op de brief: DEV-M000123."),
            ({"received_on": "2099-01-01"}, "Deze datum ligt in de toekomst."),
        ],
    )
    def test_a_bad_entry_comes_back(self, client, world, banned, changes, message):
        client.force_login(world.users["administrator"])
        data = {
            "measure": f"DEV-M{banned.measures.get().pk:06d}",
            "channel": "letter",
            "received_on": "2026-12-01",
            "objector": "S. Bakker",
            "contact": "Brink 9",
            "grounds": "Ik was het niet.",
            **changes,
        }
        response = client.post(reverse("bans:objection_new"), data)
        assert response.status_code == 400 and message in response.content.decode()
        assert not Objection.objects.exists()


class TestDeciding:
    def test_the_issuing_officer_may_not_decide(self, client, world, banned):
        objection = entered(world, banned.measures.get())
        client.force_login(world.users["officer"])
        page = client.get(reverse("bans:objection", args=[objection.pk])).content.decode()
        assert "U hebt deze maatregel zelf genomen" in page
        response = client.post(
            reverse("bans:objection_decide", args=[objection.pk]),
            {"outcome": "upheld", "reason": "Akkoord."},
        )
        assert response.status_code == 403
        with pytest.raises(objections.ObjectionError, match="zelf genomen"):
            objections.suspend(objection, actor=world.users["officer"])

    def test_suspended_then_rejected_with_a_letter(self, client, world, banned, second_officer):
        red = banned.measures.get()
        objection = entered(world, red)
        client.force_login(second_officer)
        client.post(reverse("bans:objection_suspend", args=[objection.pk]))
        red.refresh_from_db()
        assert red.status == MeasureStatus.SUSPENDED
        assert banned not in gallery_people(
            world.deventer, day=timezone.localdate()
        )  # not in force meanwhile
        response = client.post(
            reverse("bans:objection_decide", args=[objection.pk]),
            {"outcome": "rejected", "reason": "De camerabeelden tonen uw cliënt in de winkel."},
        )
        assert response.status_code == 302
        red.refresh_from_db()
        objection.refresh_from_db()
        assert red.status == MeasureStatus.ACTIVE
        assert red.decided_by == world.users["officer"]  # still the decision of who made it
        assert (objection.status, objection.decided_by) == ("rejected", second_officer)
        assert banned in gallery_people(world.deventer, day=timezone.localdate())
        letter = client.get(reverse("bans:objection_letter", args=[objection.pk]))
        text = text_of(b"".join(letter.streaming_content))
        for expected in (
            "Besluit op uw bezwaar",
            objection.reference,
            "mr. A. de Wit, advocaat",
            "Postbus 12, 7400 AA Deventer",
            "Ongegrond: de maatregel blijft staan",
            "De camerabeelden tonen uw cliënt in de winkel.",
            f"blijft staan tot en met {red.ends_on.day}",
            "Eva Visser",
        ):
            assert expected in text, expected

    def test_upheld_revokes_the_measure(self, world, banned, second_officer):
        objection = entered(world, banned.measures.get())
        objections.decide(objection, actor=second_officer, outcome="upheld", reason="Twijfel.")
        assert banned.measures.get().status == MeasureStatus.REVOKED
        assert banned not in gallery_people(world.deventer, day=timezone.localdate())
        with pytest.raises(objections.ObjectionError, match="al besloten"):
            objections.decide(objection, actor=second_officer, outcome="rejected", reason="x")

    def test_a_suspended_measure_past_its_end_expires(self, world):
        measure = MeasureFactory(
            suspended=True,
            starts_on=timezone.localdate() - timedelta(days=400),
            ends_on=timezone.localdate() - timedelta(days=1),
        )
        assert services.expire_measures() == 1
        measure.refresh_from_db()
        assert measure.status == MeasureStatus.EXPIRED

    def test_withdrawn_the_measure_resumes(self, client, world, banned, second_officer):
        objection = entered(world, banned.measures.get())
        objections.suspend(objection, actor=second_officer)
        client.force_login(world.users["administrator"])
        client.post(reverse("bans:objection_withdraw", args=[objection.pk]))
        objection.refresh_from_db()
        assert objection.status == "withdrawn"
        assert banned.measures.get().status == MeasureStatus.ACTIVE


class TestMistakenIdentity:
    def test_out_of_the_gallery_photos_gone_and_the_next_bulletin_corrects(
        self, world, banned, second_officer, mailoutbox
    ):
        world.shop.bulletin_email = "bulletin@bakkerij-jansen.nl"
        world.shop.save()
        sign_protocol(world.protocol, actor=world.users["owner"], shop=world.shop)
        shown = make_bulletin(world.deventer, trigger="manual", actor=world.users["officer"])
        photo_files = [
            name
            for photo in banned.photos.all()
            for name in (photo.original.name, photo.thumbnail.name, photo.display.name)
        ]
        objection = entered(world, banned.measures.get())
        mailoutbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            objections.decide(
                objection,
                actor=second_officer,
                outcome="mistaken",
                reason="Op de beelden staat iemand anders.",
            )
        assert banned not in gallery_people(world.deventer, day=timezone.localdate())
        assert not banned.photos.exists()
        assert not any(default_storage.exists(name) for name in photo_files)
        record = DeletionRecord.objects.get(kind="register.photos")
        assert (record.reason, record.files_removed) == ("mistaken identity", 3)
        # Nobody else is in force, yet a bulletin with the correction follows the decision
        # (after BULLETIN_DELAY_SECONDS, none in the tests).
        correction = Bulletin.objects.exclude(pk=shown.pk).get()
        assert list(correction.entries.all()) == []
        (mail,) = mailoutbox
        # The bulletin's day in Amsterdam, as the mail writes it (in UTC it was the day before
        # between midnight and one or two o'clock).
        with translation.override("nl"):
            day = date_format(timezone.localdate(shown.created_at), "j F Y")
        assert (
            f"CORRECTIE: de persoon die als “Sjaak B.” in het bulletin van {day} stond, "
            "heeft geen maatregel." in mail.body
        )
        assert "Sjaak B.:" not in mail.body  # not listed as a person any more
        letter = text_of(objections.letter_bytes(Objection.objects.get()))
        assert "Verkeerde persoon" in letter
        # A later edition does not repeat it.
        assert make_bulletin(world.deventer, trigger="manual", actor=world.users["officer"]) is None

    def test_nobody_is_corrected_who_was_never_in_a_bulletin(self, world, banned, second_officer):
        objection = entered(world, banned.measures.get())
        objections.decide(objection, actor=second_officer, outcome="mistaken", reason="Ander.")
        assert make_bulletin(world.deventer, trigger="manual", actor=world.users["officer"]) is None


class TestPublicPage:
    @pytest.fixture(autouse=True)
    def fresh_counters(self):
        cache.clear()

    def post(self, client, code, born=BORN, **changes):
        data = {
            "code": code,
            "birth_date": born.isoformat(),
            "objector": "Sjaak Bakker",
            "contact": "Brink 9, 7411 BT Deventer",
            "grounds": "Ik ben die dag niet in Deventer geweest.",
            **changes,
        }
        return client.post(reverse("objection"), data)

    def test_the_notice_prints_the_page_and_the_code(self, world, banned):
        notice = banned.measures.get().notice
        text = text_of(notice_pdf_bytes(notice))
        code = f"{notice.objection_code[:5]}-{notice.objection_code[5:]}"
        assert "http://testserver/objection/" in text and code in text

    def test_code_and_birth_date_open_it_and_nothing_of_the_person_shows(
        self, client, world, banned
    ):
        page = client.get(reverse("objection")).content.decode()
        assert "Sjaak" not in page and "Bezwaar maken tegen een maatregel" in page
        code = banned.measures.get().notice.objection_code
        response = self.post(client, f"{code[:5].lower()}-{code[5:]}")
        objection = Objection.objects.get()
        page = response.content.decode()
        assert response.status_code == 200 and objection.reference in page
        assert objection.due_on.strftime("%Y") in page
        assert "Sjaak B." not in page and "Bakker" not in page.replace("Sjaak Bakker", "")
        assert (objection.channel, objection.entered_by) == ("online", None)
        # Sent again: added to the open one, not a second objection.
        self.post(client, code, grounds="Ook wil ik de beelden zien.")
        objection.refresh_from_db()
        assert Objection.objects.count() == 1
        assert "Ook wil ik de beelden zien." in objection.grounds

    def test_a_wrong_date_or_code_is_refused_alike(self, client, world, banned):
        code = banned.measures.get().notice.objection_code
        wrong_date = self.post(client, code, born=date(1990, 3, 14)).content.decode()
        wrong_code = self.post(client, "ABCDE-FGHJK").content.decode()
        message = "We konden geen brief vinden met deze code en geboortedatum."
        assert message in wrong_date and message in wrong_code
        # The form comes back with what was typed (the objector's own name); nothing of the
        # register is added, and neither message says which part was wrong.
        for page in (wrong_date, wrong_code):
            assert "Sjaak B." not in page and "Brink 9</" not in page
            assert "geboortedatum klopt niet" not in page and "onbekende code" not in page
        assert not Objection.objects.exists()

    def test_guessing_is_throttled_per_code_and_per_address(self, client, world, banned):
        code = banned.measures.get().notice.objection_code
        for year in range(1980, 1985):
            assert self.post(client, code, born=date(year, 1, 1)).status_code == 400
        # Five wrong dates for this code: even the right one is refused for now.
        refused = self.post(client, code)
        assert refused.status_code == 429
        assert "Te veel pogingen" in refused.content.decode()
        assert not Objection.objects.exists()
        cache.clear()
        for number in range(10):
            self.post(client, f"ZZZZZ{number:05d}")
        assert self.post(client, code).status_code == 429
        assert not Objection.objects.exists()


def test_the_figures_and_the_dashboard(client, world, banned, second_officer):
    other = MeasureFactory(person=PersonFactory(partnership=world.deventer), kind="yellow")
    old = entered(world, other, received_on=timezone.localdate() - timedelta(days=30))
    objection = entered(world, banned.measures.get())
    objections.decide(objection, actor=second_officer, outcome="upheld", reason="Twijfel.")
    assert objections.figures(world.deventer) == {
        "open": 1,
        "overdue": 1,
        "oldest_days": 30,
        "decided": 1,
        "upheld": 1,
    }
    client.force_login(world.users["officer"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "Open bezwaren" in page and "oudste 30 dagen" in page
    page = client.get(reverse("bans:objections")).content.decode()
    assert old.reference in page and "te laat" in page


class TestWhatRestsOnTheMeasure:
    def test_the_wrong_persons_claims_stop_and_cases_forget_the_name(
        self, world, banned, second_officer
    ):
        from claims.models import ClaimStatus
        from claims.services import create_claim, send_claim

        officer = world.users["officer"]
        world.incident.caught_in_act = True
        world.incident.person_name = "Sjaak Bakker"
        world.incident.save()
        services.link_incident(banned, world.incident, actor=officer)
        sent = send_claim(create_claim(world.incident, banned, actor=officer), actor=officer)
        objection = entered(world, banned.measures.get())
        objections.decide(objection, actor=second_officer, outcome="mistaken", reason="Ander.")
        sent.refresh_from_db()
        world.incident.refresh_from_db()
        assert sent.status == ClaimStatus.WRITTEN_OFF
        assert "Verkeerde persoon" in sent.history.last().note
        assert world.incident.person_name == "" and not banned.links.exists()

    def test_upheld_and_suspended_take_the_extension_and_the_shop_ban_along(
        self, world, banned, second_officer
    ):
        red = banned.measures.get()
        extension = MeasureFactory(person=banned, kind="extension", extends=red)
        shop_ban = MeasureFactory(
            person=banned,
            kind="individual",
            proposed=True,
            issuing_shop=world.shop,
            incident=red.incident,
        )
        objection = entered(world, red)
        objections.suspend(objection, actor=second_officer)
        extension.refresh_from_db()
        assert extension.status == MeasureStatus.SUSPENDED
        objections.decide(objection, actor=second_officer, outcome="upheld", reason="Twijfel.")
        for measure in (red, extension):
            measure.refresh_from_db()
            assert measure.status == MeasureStatus.REVOKED
        shop_ban.refresh_from_db()
        assert shop_ban.status == (
            MeasureStatus.REVOKED if red.incident_id else MeasureStatus.PROPOSED
        )

    def test_without_a_decider_on_record_the_history_says_who_took_it(
        self, world, banned, second_officer
    ):
        from bans.models import MeasureChange

        red = banned.measures.get()
        MeasureChange.objects.create(
            measure=red, from_status="proposed", to_status="active", actor=world.users["officer"]
        )
        type(red).objects.filter(pk=red.pk).update(decided_by=None)
        objection = entered(world, red)
        assert not objections.may_decide(world.users["officer"], objection)
        assert objections.may_decide(second_officer, objection)


class TestRetention:
    def test_an_open_objection_keeps_the_person_and_a_decided_one_goes_with_it(
        self, world, banned, second_officer
    ):
        from bans import retention

        red = banned.measures.get()
        objection = entered(world, red)
        type(red).objects.filter(pk=red.pk).update(
            starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31)
        )
        services.expire_measures()
        assert banned not in retention.due()  # the objection is open
        objections.decide(objection, actor=second_officer, outcome="rejected", reason="Stond.")
        objection.refresh_from_db()
        letter = objection.letter.name
        assert "liep tot en met 31 december 2024" in text_of(objections.letter_bytes(objection))
        assert banned not in retention.due()  # its letter is still to be sent
        later = timezone.now() + timedelta(days=31)
        retention.strip_people(now=later)
        objection.refresh_from_db()
        assert (objection.objector, objection.grounds, objection.letter_snapshot) == ("", "", None)
        assert objection.status == "rejected" and not default_storage.exists(letter)


def test_tampered_and_missing_input_gets_no_server_error(client, world, banned, second_officer):
    client.force_login(world.users["administrator"])
    response = client.post(
        reverse("bans:objection_new"),
        {
            "measure": "DEV-M²",
            "channel": "letter",
            "received_on": "2026-12-01",
            "objector": "X",
            "contact": "Y",
            "grounds": "Z",
        },
    )
    assert response.status_code == 400
    objection = entered(world, banned.measures.get())
    assert client.get(reverse("bans:objection_letter", args=[objection.pk])).status_code == 404
    objections.decide(objection, actor=second_officer, outcome="upheld", reason="Ja.")
    objection.refresh_from_db()
    default_storage.delete(objection.letter.name)
    assert client.get(reverse("bans:objection_letter", args=[objection.pk])).status_code == 404
