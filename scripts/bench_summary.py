"""Print a `manage.py bench --json` file as a table: `python scripts/bench_summary.py FILE`.
Exits 1 if the file is missing or holds no figures (CI must have produced it)."""

import json
import sys


def main(path: str) -> int:
    try:
        with open(path, encoding="utf-8") as source:
            report = json.load(source)
    except (OSError, ValueError) as error:
        print(f"no benchmark JSON at {path}: {error}")
        return 1
    figures = report.get("figures") or []
    print(f"machine: {report['machine']}; scope: {report['scope']}; quick: {report['quick']}")
    for f in figures:
        ratio = "" if f["ratio"] is None else f" ×{f['ratio']}"
        failed = [target for target, held in f["checks"].items() if not held]
        verdict = "ok" if not failed else "miss: " + "; ".join(failed)
        print(f"  {f['group']:<9} {f['name'][:60]:<60} {f['value']} {f['unit']}{ratio}  {verdict}")
    missed = sum(1 for f in figures if not f["passed"])
    print(f"{len(figures)} figures, {missed} miss a target")
    return 0 if figures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
