"""What search costs: time and peak memory of the search index at 1k, 10k and 100k papers.

    .venv/bin/python bench/search_index.py                      # 1000,10000
    .venv/bin/python bench/search_index.py --sizes 1000,10000,100000

For each size, a fresh child process loads the synthetic collection (bench/papers.py), makes
one SearchRecord per paper and runs write_index (site_builder/search_index.py), as the build's
finalize hook does. It prints:
- load s: reading the papers (not search's cost, shown for scale);
- index s: write_index from the records into an empty folder;
- again s / same: a second cold index into another folder, and whether the two are
  byte-identical;
- reuse s: write_index with the first bundle as ``previous`` (an unchanged collection);
- RSS MB: the child's peak resident memory (ru_maxrss: Python, the loaded papers and the
  index), and before: its peak before indexing started;
- files, MB, largest shard KB: the bundle's size on disk.
See docs/search.md for the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `import papers` from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's site_builder
import papers

from site_builder.config import load_config
from site_builder.load import load_papers
from site_builder.search_index import SearchRecord, write_index


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(site: Path, out: Path) -> None:
    started = time.perf_counter()
    loaded, _ = load_papers(load_config(site))
    # The abstract source stands in for its plain text (the views' abstract_text): the same
    # words, and no Markdown rendering to time here.
    records = [
        SearchRecord(
            url=f"/repo/papers/{p.slug}/",
            title=p.title,
            authors=p.authors,
            abstract=p.abstract,
            topics=p.topics,
            date_iso=p.date.isoformat(),
        )
        for p in loaded
    ]
    del loaded
    load_s = time.perf_counter() - started
    before = peak_mb()
    started = time.perf_counter()
    write_index(records, out / "a")
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    write_index(records, out / "b")
    again_s = time.perf_counter() - started
    started = time.perf_counter()
    write_index(records, out / "c", previous=out / "a")
    reuse_s = time.perf_counter() - started
    files = [p for p in (out / "a").rglob("*") if p.is_file()]
    shards = [p.stat().st_size for p in (out / "a" / "terms").iterdir()]
    print(
        json.dumps(
            {
                "load": load_s,
                "index": index_s,
                "again": again_s,
                "same": tree_hash(out / "a") == tree_hash(out / "b") == tree_hash(out / "c"),
                "reuse": reuse_s,
                "rss": peak_mb(),
                "before": before,
                "files": len(files),
                "mb": sum(p.stat().st_size for p in files) / 1e6,
                "shard_kb": max(shards) / 1e3,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    sources = papers.read_sources()
    print(
        f"{'papers':>7} {'load s':>7} {'index s':>8} {'again s':>8} {'same':>5} {'reuse s':>8} "
        f"{'RSS MB':>7} {'before':>7} {'files':>7} {'MB':>7} {'shard KB':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        root = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            site = papers.write_collection(root, size, args.seed, sources).site_builder
            out = root / f"index-{size}"
            out.mkdir()
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(site), str(out)],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{size:>7} {r['load']:>7.2f} {r['index']:>8.2f} {r['again']:>8.2f} "
                f"{'yes' if r['same'] else 'NO':>5} {r['reuse']:>8.2f} {r['rss']:>7.0f} "
                f"{r['before']:>7.0f} {r['files']:>7} {r['mb']:>7.1f} {r['shard_kb']:>9.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
