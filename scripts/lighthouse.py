"""Lighthouse scores for the bundled site: home, a paper and a topic page, as a phone sees them.

Builds this repository's site for https://user.github.io/repo/, serves it on 127.0.0.1 under
/repo/ (as GitHub Pages would), runs Lighthouse (npm, `npm ci` installs it) in Debian's
Chromium on each page, and prints a Markdown table of the four category scores, followed by
every audit that kept a score below 100.

    python scripts/lighthouse.py [--runs 3] [--desktop] [--json results.json]

Not a CI gate: a Lighthouse run takes ~15 s a page, and its Performance score moves with the
machine's load (see docs/quality.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.gates.support import (  # noqa: E402  (the gates' build and server, reused)
    CHROMIUM,
    build,
    one_page_of_each_kind,
    page_url,
    serve,
)

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "total-byte-weight": "bytes",
}


def run_lighthouse(url: str, desktop: bool, out: Path) -> dict:
    args = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
    ]
    if desktop:
        args.append("--preset=desktop")  # the default is a mid-range phone on slow 4G
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(args, check=True, env=env, timeout=300)
    return json.loads(out.read_text(encoding="utf-8"))


def shortfalls(report: dict) -> list[str]:
    """Audits in the four categories that scored below 1, with Lighthouse's own wording."""
    found = []
    for cat in CATEGORIES:
        for ref in report["categories"][cat]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight", 0) and audit["score"] is not None and audit["score"] < 1:
                value = audit.get("displayValue", "")
                found.append(f"{cat}: {audit['title']} ({audit['score']:.2f}) {value}".rstrip())
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is kept")
    parser.add_argument("--desktop", action="store_true", help="desktop preset instead of phone")
    parser.add_argument("--json", type=Path, help="also write every score here")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print("Lighthouse is missing: run `npm ci` in the repository first", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    try:
        output = build(REPO, tmp / "repo")
        kinds = one_page_of_each_kind(output)
        pages = {"home": kinds["home"], "paper": kinds["papers/*"], "topic": kinds["topics/*"]}
        results: dict[str, dict[str, int]] = {}
        metrics: dict[str, dict[str, str]] = {}
        notes: dict[str, list[str]] = {}
        with serve(output) as root:
            for name, page in pages.items():
                url = page_url(output, page, root)
                runs = [
                    run_lighthouse(url, args.desktop, tmp / f"{name}-{i}.json")
                    for i in range(args.runs)
                ]
                results[name] = {
                    cat: round(100 * statistics.median(r["categories"][cat]["score"] for r in runs))
                    for cat in CATEGORIES
                }
                results[name]["url"] = url.removeprefix(root)  # type: ignore[assignment]
                last = runs[-1]["audits"]
                metrics[name] = {k: last[a].get("displayValue", "") for a, k in METRICS.items()}
                notes[name] = sorted({s for r in runs for s in shortfalls(r)})
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("| page | Performance | Accessibility | Best Practices | SEO |")
    print("| --- | --- | --- | --- | --- |")
    for name, scores in results.items():
        cells = " | ".join(str(scores[c]) for c in CATEGORIES)
        print(f"| {name} (`/repo/{scores['url']}`) | {cells} |")
    print()
    print("| page | " + " | ".join(METRICS.values()) + " |")
    print("| --- " * (len(METRICS) + 1) + "|")
    for name, values in metrics.items():
        print(f"| {name} | " + " | ".join(values.values()) + " |")
    print()
    for name, found in notes.items():
        for line in found:
            print(f"- {name}: {line}")
    if args.json:
        args.json.write_text(
            json.dumps({"scores": results, "metrics": metrics, "below_100": notes}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
