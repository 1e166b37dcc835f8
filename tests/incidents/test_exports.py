import csv
import io

from django.urls import reverse

from tests.incidents.factories import report


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_officer_export_has_the_details(client, world):
    report(world.users["participant"], world.shop, person_name="J. de Vries", description="=cmd|x")
    client.force_login(world.users["officer"])
    response = client.get(reverse("incidents:export"), {"purpose": "case"})
    assert response["Content-Type"].startswith("text/csv")
    assert "private" in response["Cache-Control"]
    rows = read_csv(response)
    assert rows[0][0] == "Referentie"
    assert "J. de Vries" in rows[1]
    assert "'=cmd|x" in rows[1]  # a formula is neutralised
    assert "24,98" in rows[1]


def test_figures_export_has_no_personal_data(client, world):
    report(
        world.users["participant"],
        world.shop,
        person_name="J. de Vries",
        person_description="Rode jas, litteken",
        description="Pakte parfum",
        witness="Piet 0612345678",
    )
    client.force_login(world.users["coordinator"])
    rows = read_csv(client.get(reverse("incidents:export_figures")))
    text = "\n".join(";".join(r) for r in rows)
    for personal in ("Vries", "Rode jas", "parfum", "Piet", "0612345678", "DEV-"):
        assert personal not in text
    assert rows[1][2] == "Binnenstad" and rows[1][4] == "Winkeldiefstal"


def test_export_period_and_bad_dates(client, world):
    report(world.users["participant"], world.shop)
    client.force_login(world.users["officer"])
    url = reverse("incidents:export")
    assert len(read_csv(client.get(url, {"since": "2099-01-01", "purpose": "case"}))) == 1
    assert client.get(url, {"since": "gisteren", "purpose": "case"}).status_code == 400
