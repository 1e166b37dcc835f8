"""The product runs without the demo app: production installs leave it out (KVO_DEMO off), and no
product package holds demo data of its own."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = [
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
]


def manage(*args, **env):
    environment = {**os.environ, "DEBUG": "false", "KVO_DEMO": "false", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_product_starts_and_checks_without_the_demo_app(tmp_path):
    checked = manage("check", "--fail-level", "WARNING", KVO_VAR_DIR=str(tmp_path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    commands = manage("help", "--commands", KVO_VAR_DIR=str(tmp_path))
    assert commands.returncode == 0, commands.stderr
    listed = set(commands.stdout.split())
    assert {"migrate", "backup", "restore", "create_partnership"} <= listed
    assert not {"seed_demo", "seed_scale", "demo_totp"} & listed


def test_the_demo_commands_come_with_the_demo_app(tmp_path):
    commands = manage("help", "--commands", KVO_VAR_DIR=str(tmp_path), KVO_DEMO="true")
    assert {"seed_demo", "seed_scale", "demo_totp"} <= set(commands.stdout.split())


def test_no_product_package_holds_demo_data():
    found = [
        str(path.relative_to(ROOT))
        for package in PRODUCT
        for path in (ROOT / package).rglob("*.py")
        if path.stem == "demo" or path.stem.endswith("_demo")
    ]
    assert not found
