"""No module over 600 lines outside migrations and tests: a module that long holds more than one
concern, and the next maintainer cannot see what lives in it (docs/architecture.md)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 600
SKIP = {".venv", "var", "tests", "migrations", "node_modules", ".git"}


def test_no_module_is_over_600_lines():
    too_long = {}
    for path in ROOT.rglob("*.py"):
        if SKIP.intersection(path.relative_to(ROOT).parts):
            continue
        lines = len(path.read_text().splitlines())
        if lines > LIMIT:
            too_long[str(path.relative_to(ROOT))] = lines
    assert not too_long, f"split these by concern: {too_long}"
