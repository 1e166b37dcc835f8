"""The translation check run by `make test`.

1. Extract the project's strings (Django's makemessages, which needs GNU xgettext) into a scratch
   copy of the tree and fail for every msgid that the committed Dutch catalogue lacks.
2. Fail for any entry of the Dutch catalogue that is untranslated or fuzzy, or whose placeholders
   differ from the source string.
3. Compile the catalogues, so the running code uses what was checked.

Without xgettext step 1 is skipped with a message, except in CI (CI=true), where it is a failure.
English is the source language: its strings need no catalogue.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
# Every package with strings, by floor, and the templates.
SOURCES = [
    name
    for name in (
        "plumbing",
        "merchants",
        "incidents",
        "certification",
        "bans",
        "claims",
        "bulletins",
        "alerts",
        "api",
        "kvo",
        "demo",
        "templates",
    )
    if (ROOT / name).is_dir()
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\{\s*\w+\s*\}\}|%[sd]")


def extracted_msgids() -> set[tuple[str, str]] | None:
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            print("FAIL: xgettext (GNU gettext) is missing; CI must extract strings.")
            sys.exit(1)
        print("SKIP extraction check: xgettext not installed (apt-get install gettext).")
        return None
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        for name in SOURCES:
            shutil.copytree(
                ROOT / name,
                scratch_path / name,
                ignore=shutil.ignore_patterns("__pycache__", "migrations"),
            )
        shutil.copy(ROOT / "manage.py", scratch_path)
        (scratch_path / "locale").mkdir()
        env = {**os.environ, "DEBUG": "true", "KVO_VAR_DIR": str(scratch_path / "var")}
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--locale",
                "nl",
                "--no-location",
                "--ignore",
                "var/*",
            ],
            cwd=scratch_path,
            env=env,
            check=True,
            capture_output=True,
        )
        extracted = polib.pofile(str(scratch_path / "locale/nl/LC_MESSAGES/django.po"))
        return {(entry.msgctxt or "", entry.msgid) for entry in extracted}


def main() -> int:
    catalogue = polib.pofile(str(CATALOGUE))
    problems = []
    wanted = extracted_msgids()
    if wanted is not None:
        have = {(entry.msgctxt or "", entry.msgid) for entry in catalogue if not entry.obsolete}
        for _context, msgid in sorted(wanted - have):
            problems.append(f"missing from the Dutch catalogue: {msgid!r}")
        for _context, msgid in sorted(have - wanted):
            problems.append(f"no longer used, remove from the catalogue: {msgid!r}")
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        translations = (
            [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        )
        if not all(t.strip() for t in translations):
            problems.append(f"untranslated: {entry.msgid!r}")
            continue
        source_placeholders = sorted(PLACEHOLDER.findall(entry.msgid))
        for translation in translations:
            if (
                sorted(PLACEHOLDER.findall(translation)) != source_placeholders
                and not entry.msgid_plural
            ):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {translation!r}")
    if problems:
        print(f"Translation check failed ({len(problems)}):")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    subprocess.run([sys.executable, str(ROOT / "scripts" / "compile_messages.py")], check=True)
    print(f"Translations OK: {len([e for e in catalogue if not e.obsolete])} Dutch entries.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
