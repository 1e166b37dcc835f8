"""Generated input posted to every form (issue 8, attack pass): whatever arrives, the answer is
a page or a redirect, never a server error.

Hypothesis fills every field of every form found on the matrix's pages with text, numbers, dates
and values people and attackers send: empty, huge, negative, far in the past or future, NUL
bytes, right-to-left marks, markup, ids of nothing. A 500 raises in the test client and fails
the test with the example that caused it.
"""

import os
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.attack.pages import discover_forms, plausible

AWKWARD = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999",
    "-0,01",
    "1.000.000,00",
    "181,005",
    "٣",  # an Arabic-Indic digit: int() accepts it
    "１２",  # full-width digits
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "2999-01-01T00:00",
    "1900-01-01T00:00",
    "31-12-2026",
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "\ud7ff\ufeff",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "../../../etc/passwd",
    "%s%s%n",
    "{{ 7*7 }}{% debug %}",
    "NL00XXXX0000000000",
    "a" * 5000,
    "🙂" * 200,
]

field_values = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(max_size=200),
    st.text(alphabet=string.digits + ",.-", max_size=25),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
)


def fuzzable(forms):
    """One of each form (the account pages are the same for every role)."""
    seen, picked = set(), []
    for form in forms:
        key = (form.url_name, tuple(sorted(f.name for f in form.fields)))
        if key not in seen:
            seen.add(key)
            picked.append(form)
    return picked


# The suite runs a fixed, quick set (the same every run); a hunt runs more and new ones:
#   KVO_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/attack/test_fuzz_forms.py
EXAMPLES = int(os.environ.get("KVO_FUZZ_EXAMPLES", "0"))


@settings(
    max_examples=EXAMPLES or 8,
    deadline=None,
    derandomize=not EXAMPLES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_form_answers_a_server_error(world, client_as, data):
    forms = getattr(world, "_fuzz_forms", None)
    if forms is None:
        forms = world._fuzz_forms = fuzzable(discover_forms(world, client_as))
        assert len(forms) > 40
    for form in forms:
        values = plausible(form, "Tekst")
        for f in form.fields:
            if f.kind == "file":
                continue
            choice = data.draw(
                st.one_of(st.just(values.get(f.name)), st.none(), field_values),
                label=f"{form.url_name}.{f.name}",
            )
            if choice is None:
                values.pop(f.name, None)
            else:
                values[f.name] = choice
        response = client_as(form.role).post(form.action, values)
        assert response.status_code < 500, (form.url_name, values)


def test_an_id_beyond_64_bits_is_a_form_error(world, client_as):
    """Found by a longer hunt: a shop id of 2**70 crashed the database driver on SQLite."""
    from django.urls import reverse

    response = client_as("coordinator").post(
        reverse("merchants:invitation_create"),
        {"email": "nieuw@example.nl", "role": "participant", "shops": [str(2**70), "٣"]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["shops"]
