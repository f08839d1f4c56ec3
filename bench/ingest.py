"""Ingest of a large JSON Lines file: wall time and peak RSS.

    .venv/bin/python bench/ingest.py                    # 100,000 arXiv-snapshot records
    .venv/bin/python bench/ingest.py --size 20000 --filter   # a --category slice of 20,000

Writes a synthetic arXiv metadata snapshot (the real shape: id, authors, authors_parsed, title,
abstract, categories, versions, update_date; abstracts ~1 KB drawn from the repository's dump)
into a temporary folder, then runs ``site-builder ingest`` on it in a child process and reports
the child's time and peak resident memory (ru_maxrss). Target: peak RSS <= 300 MB at 100k.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CATEGORIES = ("cs.LG", "cs.CL", "cs.CV", "stat.ML", "cs.AI", "hep-th", "math.OC", "q-bio.NC")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NAMES = ("Zoë Müller", "José Ñúñez", "Li Wei", "Aiko Tanaka", "Ana García", "Sam Lee", "Ravi Patel")


def abstracts() -> list[str]:
    text = (REPO / "data" / "daily-papers.txt").read_text(encoding="utf-8")
    return [p for p in (" ".join(b.split()) for b in text.split("\n\n")) if len(p) > 400]


def write_snapshot(path: Path, size: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    pool = abstracts()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(size):
            authors = rng.sample(NAMES, 3)
            year, month = 2020 + i % 5, 1 + i % 12
            record = {
                "id": f"{year % 100:02d}{month:02d}.{i:05d}",
                "submitter": authors[0],
                "authors": ", ".join(authors),
                "title": f"Paper {i}: {rng.choice(pool)[:80]}",
                "comments": None,
                "journal-ref": None,
                "doi": None,
                "categories": " ".join(rng.sample(CATEGORIES, 2)),
                "abstract": "  " + rng.choice(pool) + "\n",
                "versions": [
                    {"version": "v1", "created": f"Mon, 1 {MONTHS[month - 1]} {year} 10:00:00 GMT"}
                ],
                "update_date": f"{year}-{month:02d}-02",
                "authors_parsed": [[a.split()[-1], a.split()[0], ""] for a in authors],
            }
            fh.write(json.dumps(record) + "\n")
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--filter", action="store_true", help="add --category cs.LG --since")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "snapshot.jsonl"
        nbytes = write_snapshot(snap, args.size)
        site = Path(tmp) / "site"
        site.mkdir()
        cmd = [sys.executable, "-m", "site_builder", "--site", str(site), "ingest", str(snap), "-q"]
        if args.filter:
            cmd += ["--category", "cs.LG", "--since", "2022-01-01"]
        started = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=REPO)
        wall = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        files = sum(1 for _ in (site / "content" / "papers").glob("*.md"))
        print(
            f"ingest {args.size:,} records ({nbytes / 1e6:.0f} MB JSONL) -> {files:,} files: "
            f"{wall:.1f} s, peak RSS {peak_kib / 1024:.0f} MiB"
        )


if __name__ == "__main__":
    main()
