"""Every setting the code reads from the environment is listed in .env.example (issue 8)."""

import re

from tests.conftest import ROOT


def test_env_example_lists_every_setting():
    code = (ROOT / "kvo" / "settings.py").read_text()
    read = set(re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]+)["']""", code))
    read |= {f"{name}_FILE" for name in re.findall(r"""_secret\(\s*["']([A-Z0-9_]+)["']""", code)}
    read |= set(re.findall(r"""_secret\(\s*["']([A-Z0-9_]+)["']""", code))
    assert {"SECRET_KEY", "DATABASE_URL", "PRIVILEGED_SESSION_IDLE_MINUTES"} <= read
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", example, flags=re.M))
    assert not read - listed, f"settings missing from .env.example: {sorted(read - listed)}"
