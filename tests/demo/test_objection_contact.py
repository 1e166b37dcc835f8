"""The demo partnership says where to object on its letters: filled in when it is created, and
completed when a partnership seeded before the contact existed is seeded again."""

from demo.merchants import seed_merchants
from merchants.models import Partnership


def test_the_demo_partnership_has_a_contact_for_objections(db):
    deventer = seed_merchants(debug=False)["partnership"]

    assert Partnership.objects.get(pk=deventer.pk).objection_snapshot() == {
        "address_lines": ["Stichting KVO Deventer", "Postbus 5000", "7400 GC Deventer"],
        "email": "bezwaar@kvo-deventer.example.nl",
        "phone": "0570 000 000",
        "term_weeks": 6,
    }


def test_seeding_again_completes_a_partnership_seeded_before(db):
    deventer = seed_merchants(debug=False)["partnership"]
    Partnership.objects.filter(pk=deventer.pk).update(objection_address="", objection_email="")

    seed_merchants(debug=False)

    again = Partnership.objects.get(pk=deventer.pk)
    assert again.has_objection_address
    assert again.objection_email == "bezwaar@kvo-deventer.example.nl"
