"""The floors of docs/architecture.md hold, in Python and in templates.

Python: import-linter's layered contract in pyproject.toml ([tool.importlinter]) lists the floors,
top first; it reads every import statement, inside functions too. This runs it inside the suite
and checks that every package of the project is on a floor.

Templates follow the same floors: a template of an app may load template tags of its own floor's
package or of a lower floor, never of a higher floor or of a sibling on the same floor (incidents
must not load the register's tags; it offers panels that the register fills instead).
"""

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.template import engines

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
(FLOORS_CONTRACT,) = [c for c in CONFIG["contracts"] if c["type"] == "layers"]

# Package -> floor number (0 = plumbing, the bottom), from the contract itself.
FLOOR = {
    package.strip(): height
    for height, layer in enumerate(reversed(FLOORS_CONTRACT["layers"]))
    for package in layer.split("|")
}

# Template folders and files that belong to no app folder: the site's frame and its own pages.
TEMPLATE_HOMES = {
    "base.html": "plumbing",  # the frame every page extends: standard tags only
    "400.html": "plumbing",
    "403.html": "plumbing",
    "403_csrf.html": "plumbing",
    "404.html": "plumbing",
    "500.html": "plumbing",
    "503.html": "plumbing",
    "includes": "plumbing",
    "account": "merchants",  # allauth's pages as the accounts app shows them
    "allauth": "merchants",
    "home.html": "kvo",
    "dashboard.html": "kvo",
    "reports": "kvo",
    "app": "kvo",  # the app on the home screen: service worker, offline page
}
LOAD = re.compile(r"{%\s*load\s+(.+?)\s*%}")


def test_import_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 broken" in result.stdout


def test_every_package_is_on_a_floor():
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench", "scripts"}
    }
    assert packages == set(FLOOR), "pyproject.toml's floors must list every package"
    assert set(CONFIG["root_packages"]) == packages


def home_of(template: Path) -> str:
    first = template.relative_to(ROOT / "templates").parts[0]
    if first in FLOOR:
        return first
    assert first in TEMPLATE_HOMES, f"templates/{first}: say which floor it is on (TEMPLATE_HOMES)"
    return TEMPLATE_HOMES[first]


def library_owner(name: str) -> str | None:
    """The project package whose tag library `name` is, or None for Django's and allauth's."""
    module = engines["django"].engine.libraries.get(name)
    assert module, f"unknown tag library {name!r}"
    package = module.split(".")[0]
    return package if package in FLOOR else None


def floor_breaches(home: str, source: str) -> list[str]:
    """Tag libraries `source` loads that are above `home`'s floor, or a sibling's."""
    breaches = []
    for match in LOAD.finditer(source):
        words = match.group(1).split()
        names = words[words.index("from") + 1 :] if "from" in words else words
        for name in names:
            owner = library_owner(name)
            if owner is None or owner == home:
                continue
            if FLOOR[owner] >= FLOOR[home]:
                breaches.append(f"{name} ({owner})")
    return breaches


def test_templates_load_no_tags_from_a_higher_floor():
    problems = []
    for template in sorted((ROOT / "templates").rglob("*")):
        if template.is_file() and template.suffix in {".html", ".txt"}:
            breaches = floor_breaches(home_of(template), template.read_text())
            if breaches:
                problems.append(f"{template.relative_to(ROOT)} loads {', '.join(breaches)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "home,source,breach",
    [
        ("incidents", "{% load i18n claims %}", ["claims (claims)"]),
        ("claims", "{% load euros from claims %}{% load incidents %}", []),
        ("certification", "{% load incidents %}", ["incidents (incidents)"]),
        ("kvo", "{% load claims figures pdf %}", []),
        ("plumbing", "{% load figures %}", ["figures (kvo)"]),
    ],
)
def test_the_template_check_can_fail(home, source, breach):
    """The check catches a lower floor loading a higher one's tags, and a sibling's."""
    assert floor_breaches(home, source) == breach
