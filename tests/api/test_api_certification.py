"""The dossier for an auditor's tool: areas with certificates, the cycle and the measures matrix,
of the client's own partnership only."""

from api import tokens
from api.models import ApiClient

URL = "/api/v1/certification/areas/"


def auditor_token(world, partnership, scopes=("certification:read",)):
    client = ApiClient.objects.create(partnership=partnership, name="Kiwa", scopes=list(scopes))
    return tokens.issue_token(client, actor=world.users["coordinator"])


def test_the_dossier_of_the_own_partnership(client, world):
    item, measure = world.dossier_item, world.safety_measure
    token = auditor_token(world, world.deventer)
    listed = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    names = [area["name"] for area in listed["results"]]
    assert world.binnenstad.name in names and world.zwolle_area.name not in names
    area = next(a for a in listed["results"] if a["id"] == item.area_id)
    assert item.title in [step["title"] for step in area["cycle"]]
    measure_area = next(a for a in listed["results"] if a["id"] == measure.area_id)
    assert measure.description in [m["description"] for m in measure_area["safety_measures"]]
    one = client.get(f"{URL}{item.area_id}/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert one.status_code == 200 and one.json()["id"] == item.area_id
    other = client.get(f"{URL}{world.zwolle_area.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert other.status_code == 404


def test_figures_only_is_not_the_dossier(client, world):
    token = auditor_token(world, world.deventer, scopes=("statistics:read",))
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 403
