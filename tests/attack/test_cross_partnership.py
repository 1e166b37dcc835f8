"""Every object URL tried with another partnership's ids (issue 8, attack pass).

A second, unrelated world is built beside the usual one, with the same objects. Each row of the
permission matrix that names an object is requested by every role of the first world with the
second world's ids: where the role opens its own partnership's object (200 or 302) it must get a
404 for the foreign one, and nothing may change; where it is refused its own (403/404) it is
refused the foreign one too.
"""

import pytest

from tests.attack.pages import matrix_pages
from tests.attack.test_csrf import row_counts
from tests.conftest import ROLES, World
from tests.test_permission_matrix import MATRIX

# The secret is in the URL: the token, not the partnership, decides (an invitee is anonymous).
SECRET_LINKS = {
    "merchants:invitation_accept",
    "account_confirm_email",
    "account_reset_password_from_key",
    # a gallery copy's link, signed when the gallery page was authorised (bans/gallery_copies.py)
    "signed_file",
}
# Single sign-on starts from a partnership's public short name, for anyone (logged in or not):
# without a provider it is a 404 for every role, which the matrix pins.
SIGN_ON = {"merchants:sso_start", "openid_connect_login", "openid_connect_callback"}
# The API takes no session (401 for every role); its 404s for other partnerships' ids are in
# tests/api/, with tokens.
TOKEN_ONLY = "api:"


@pytest.fixture
def foreign(world):
    return World(prefix="x")


def test_another_partnerships_ids_are_404(world, foreign, client_as):
    rows = [
        (name, method, url, statuses, data_for)
        for name, method, url, statuses, data_for in matrix_pages(foreign)
        if MATRIX[name][1] is not None
        and MATRIX[name][1](foreign)
        and name not in SECRET_LINKS | SIGN_ON
        and not name.startswith(TOKEN_ONLY)
    ]
    # Makes the first world's objects too, so that both worlds hold the same things.
    list(matrix_pages(world))
    assert len(rows) > 40
    before = row_counts()
    wrong = []
    for name, method, url, statuses, data_for in rows:
        data = data_for(foreign)
        for role in ROLES:
            response = getattr(client_as(role), method)(url, data)
            own = statuses[role]
            if role == "anonymous":
                ok = response.status_code == 302 and "/login/" in response["Location"]
            elif own in ("200", "302"):
                ok = response.status_code == 404
            else:
                ok = response.status_code in (403, 404)
            if not ok:
                wrong.append(f"{method.upper()} {name} as {role}: {response.status_code}")
    assert not wrong, wrong
    changed = {k: (before[k], v) for k, v in row_counts().items() if before[k] != v}
    assert not changed, changed


def test_switching_to_another_partnership_is_404(world, foreign, client_as):
    from django.urls import reverse

    for role in ROLES[1:]:
        response = client_as(role).post(
            reverse("merchants:switch_partnership"), {"partnership": foreign.deventer.pk}
        )
        assert response.status_code == 404, role
