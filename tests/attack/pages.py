"""What the attack pass aims at: every page of the permission matrix, the forms on them, and a
way to fill those forms the way a person (or an attacker) would.

Forms are read from the rendered HTML, not from the form classes, so a field added to a template
is attacked without anybody listing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from tests.conftest import ROLES
from tests.test_permission_matrix import MATRIX

# Forms whose submission would end the crawl's own session or change its language mid-run.
SKIPPED_FORMS = {"account_logout", "switch_language", "merchants:switch_partnership"}


@dataclass
class Field:
    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    role: str
    page: str
    action: str
    fields: list[Field]

    @property
    def url_name(self) -> str:
        try:
            return resolve(urlsplit(self.action).path).view_name
        except Resolver404:
            return ""

    @property
    def key(self):
        return (self.role, urlsplit(self.action).path, tuple(sorted(f.name for f in self.fields)))


class _FormParser(HTMLParser):
    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[tuple[str, list[Field]]] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self._form = (urljoin(self.page, attrs.get("action") or self.page), [])
            return
        if self._form is None:
            return
        fields = self._form[1]
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio") and any(f.name == name for f in fields):
                return
            if kind == "submit" and not attrs.get("value"):
                return
            fields.append(Field(name, kind, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea")
            fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = Field(name, "select-multiple" if "multiple" in attrs else "select")
            fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
        elif (
            tag == "button" and name and attrs.get("value") and all(f.name != name for f in fields)
        ):
            fields.append(Field(name, "submit", attrs["value"]))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_on(html: str, page: str, role: str) -> list[Form]:
    parser = _FormParser(page)
    parser.feed(html)
    return [
        Form(role, page, action, [f for f in fields if f.name != "csrfmiddlewaretoken"])
        for action, fields in parser.forms
    ]


def matrix_pages(world, *, method=None):
    """(url name, method, url, {role: expected status}, data function) for every matrix row,
    or those of one method, with the row's objects taken from ``world``."""
    for name, (row_method, kwargs_for, expected, *rest) in sorted(MATRIX.items()):
        if method is not None and row_method != method:
            continue
        url = reverse(name, kwargs=kwargs_for(world) if kwargs_for else None)
        statuses = dict(zip(ROLES, expected.split(), strict=True))
        yield name, row_method, url, statuses, (rest[0] if rest else (lambda w: {}))


def discover_forms(world, client_as) -> list[Form]:
    """Every POST form on every page the matrix says a role opens (status 200), once per role,
    action and set of fields."""
    # Build every object the matrix names first (a proposal, a claim, a bulletin...), so that the
    # pages show the forms that act on them.
    list(matrix_pages(world))
    found = {}
    for name, _method, url, statuses, _data in matrix_pages(world, method="get"):
        roles = [role for role in ROLES if statuses[role] == "200"]
        if name.startswith(("account_", "mfa_")):
            roles = roles[:1]  # allauth's own pages: the same forms for every role
        for role in roles:
            response = client_as(role).get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for form in forms_on(response.content.decode(), url, role):
                if form.url_name not in SKIPPED_FORMS:
                    found.setdefault(form.key, form)
    return list(found.values())


def plausible(form: Form, text: str) -> dict:
    """The form filled in as a careful person would, with ``text`` in every free-text field, so
    that most forms are accepted and the text is stored."""
    now = timezone.localtime()
    data = {}
    for f in form.fields:
        if f.kind in ("text", "search", "textarea", "url", "tel"):
            data[f.name] = text
        elif f.kind == "email":
            data[f.name] = "aanval@example.nl"
        elif f.kind == "password":
            data[f.name] = "Correct-Horse-Battery-9"
        elif f.kind == "number":
            data[f.name] = f.value or "1"
        elif f.kind == "date":
            data[f.name] = f.value or (now - timedelta(days=1)).date().isoformat()
        elif f.kind == "datetime-local":
            data[f.name] = f.value or (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        elif f.kind in ("select", "select-multiple"):
            options = [o for o in f.options if o] or f.options
            if options:
                data[f.name] = options[0]
        elif f.kind in ("checkbox", "radio"):
            data[f.name] = f.value or "on"
        elif f.kind in ("hidden", "submit"):
            data[f.name] = f.value
    return data
