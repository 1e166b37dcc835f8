"""Forms on a phone: the error summary at the top links to each field that needs attention."""

import re
import uuid

from django.urls import reverse


def test_the_error_summary_links_to_each_field_with_an_error(client_as, world):
    response = client_as("participant").post(
        reverse("incidents:report"),
        {"submission_key": str(uuid.uuid4()), "shop": world.shop.pk, "kind": "shoplifting"},
    )
    page = response.content.decode()
    summary = re.search(r'<div class="form-errors"[\s\S]*?</div>', page).group(0)
    links = dict(re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', summary))
    assert links.keys() >= {"id_occurred_at", "id_description", "id_police_report_0"}, links
    for target in links:
        assert f'id="{target}"' in page, target  # each link lands on a field of the page
    assert "Wat er is gebeurd: Dit veld is verplicht." in summary
