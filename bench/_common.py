"""What the benches share: the label of the code measured."""

import os
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


RESULTS_DIR = ROOT / "test-artifacts" / "bench"


def record_rows(bench: str, rows: list[dict]) -> Path:
    """Write one bench's rows for `bench/summary.py`, which prints them all as one table.

    Each row: ``metric`` (what was compared, in words), ``ours`` and ``floor`` (the two figures
    measured side by side in this run), ``unit``, ``ratio`` (as the goal states it), ``goal`` (e.g.
    ``">= 0.6"`` or ``"<= 1.3"``) and optionally ``notes``. Whether the goal holds is computed
    here, from the ratio and the goal, never typed in.
    """
    import json
    import platform
    from datetime import UTC, datetime

    for row in rows:
        operator, target = row["goal"].split()
        target = float(target)
        row["holds"] = row["ratio"] >= target if operator == ">=" else row["ratio"] <= target
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"rows-{bench}.json"
    path.write_text(
        json.dumps(
            {
                "bench": bench,
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "revision": revision(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}",
                "rows": rows,
            },
            indent=2,
        )
    )
    return path


def machine_info() -> dict:
    """What the figures were measured on."""
    import platform

    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def medians(times: dict, ratios: list, rounds: int) -> dict:
    """The figures of interleaved timed rounds: ``times`` maps (side, "cpu" | "wall") to seconds
    per round for the sides "ours" and "floor" (and any others), ``ratios`` holds each round's
    ours ÷ floor in CPU time. Medians in ms for every side; the ratio from CPU time, with wall
    time's alongside."""
    import statistics

    median = {key: statistics.median(values) * 1000 for key, values in times.items()}
    figures = {
        f"{side}_ms" if clock == "cpu" else f"{side}_wall_ms": value
        for (side, clock), value in median.items()
    }
    figures.update(
        ratio=median["ours", "cpu"] / median["floor", "cpu"],
        wall_ratio=median["ours", "wall"] / median["floor", "wall"],
        round_ratio_min=min(ratios),
        round_ratio_max=max(ratios),
        rounds=rounds,
    )
    return figures


def postgres_admin(statements, server: str, *, advice: str = ""):
    """Run one statement or several (CREATE/DROP DATABASE, SELECT version()) on the server's
    maintenance database, in autocommit; return the first row of the last one that gave rows.
    Exit with status 2 saying why when PostgreSQL cannot be reached, and ``advice``."""
    import sys

    import psycopg2

    try:
        conn = psycopg2.connect(f"{server}/postgres", connect_timeout=5)
    except psycopg2.OperationalError as error:
        print(f"PostgreSQL is not reachable at {server}: {error}".strip(), file=sys.stderr)
        if advice:
            print(advice, file=sys.stderr)
        raise SystemExit(2) from None
    conn.autocommit = True
    row = None
    try:
        with conn.cursor() as cursor:
            for sql in [statements] if isinstance(statements, str) else statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    row = cursor.fetchone()
    finally:
        conn.close()
    return row
