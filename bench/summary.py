"""One table of every bench row (issue 9): each a ratio of two figures measured side by side in
one run, with its goal and whether it holds. Reads test-artifacts/bench/rows-*.json (written by
each bench through `_common.record_rows`), prints the table and keeps a dated copy of it, so two
runs can be compared: `python bench/summary.py --compare test-artifacts/bench/summary-A.json`.
"""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from _common import RESULTS_DIR, revision


def load_rows():
    benches = []
    for path in sorted(RESULTS_DIR.glob("rows-*.json")):
        benches.append(json.loads(path.read_text()))
    return benches


def table(benches, previous=None):
    before = {}
    if previous:
        for bench in previous["benches"]:
            for row in bench["rows"]:
                before[(bench["bench"], row["metric"])] = row["ratio"]
    lines = [
        f"{'bench':<16} {'metric':<58} {'ours':>10} {'floor':>10} {'unit':<8} "
        f"{'ratio':>7} {'goal':>7} {'holds':<5}" + ("  before" if previous else "")
    ]
    for bench in benches:
        for row in bench["rows"]:
            line = (
                f"{bench['bench']:<16} {row['metric'][:58]:<58} {row['ours']:>10.4g} "
                f"{row['floor']:>10.4g} {row.get('unit', ''):<8} {row['ratio']:>7.3f} "
                f"{row['goal']:>7} {'yes' if row['holds'] else 'NO':<5}"
            )
            if previous:
                old = before.get((bench["bench"], row["metric"]))
                line += f"  {old:.3f}" if old is not None else "  -"
            lines.append(line)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare", help="an earlier summary-*.json to show its ratios beside")
    args = parser.parse_args()
    benches = load_rows()
    if not benches:
        print("No bench results in test-artifacts/bench/: run `make bench`.", file=sys.stderr)
        return 2
    previous = json.loads(Path(args.compare).read_text()) if args.compare else None
    print(table(benches, previous))
    held = sum(row["holds"] for bench in benches for row in bench["rows"])
    total = sum(len(bench["rows"]) for bench in benches)
    print(f"\n{held} of {total} goals hold. Revision {revision()}.")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"summary-{stamp}.json"
    path.write_text(json.dumps({"revision": revision(), "benches": benches}, indent=2))
    print(f"Written to {path.relative_to(RESULTS_DIR.parent.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
