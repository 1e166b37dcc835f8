"""Compile every locale/*/LC_MESSAGES/django.po to .mo with polib (no GNU gettext needed).

Writes a .mo only when its content changes, so running it before every test run costs nothing.
"""

import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        with tempfile.NamedTemporaryFile(suffix=".mo") as scratch:
            polib.pofile(str(po_path)).save_as_mofile(scratch.name)
            compiled = Path(scratch.name).read_bytes()
        if mo_path.exists() and mo_path.read_bytes() == compiled:
            continue
        mo_path.write_bytes(compiled)
        print(f"compiled {mo_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
