"""What the benches share: the label of the code measured."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def revision(*paths) -> str:
    """The commit measured, "-dirty" when the code under test (``paths``) had local changes."""

    def git(*args):
        # git from PATH, fixed arguments: only a label for the results.
        return subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", *paths)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("-dirty" if dirty else "")
