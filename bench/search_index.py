"""What search costs: Pagefind's index time and size on the synthetic collections.

    /tmp/venv/bin/python bench/search_index.py                 # sizes 51, 1000; best of 3
    /tmp/venv/bin/python bench/search_index.py --sizes 51,1000,5000 --repeat 5

For each size it builds the site once (search on), then times Pagefind alone on a copy of the
built site (the same call the build's finalize hook makes), and a whole build with search on
and off. Sizes: the index proper (fragments, word and filter indexes, metadata) and the whole
bundle, which adds Pagefind's fixed JavaScript and WebAssembly files. See docs/search.md.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `import papers` from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's site_builder
import papers

from site_builder.build import build
from site_builder.config import load_config
from site_builder.outputs.search import BUNDLE_DIR, find_pagefind, index_site

INDEX_PARTS = ("fragment", "index", "filter")  # plus pagefind.*.pf_meta


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def index_bytes(bundle: Path) -> int:
    parts = sum(folder_bytes(bundle / name) for name in INDEX_PARTS if (bundle / name).is_dir())
    return parts + sum(p.stat().st_size for p in bundle.glob("*.pf_meta"))


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="51,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    sources = papers.read_sources()
    binary = find_pagefind()
    print(f"Pagefind: {binary}")
    header = (
        f"{'papers':>7} {'index s':>8} {'build on s':>11} {'build off s':>12} "
        f"{'index bytes':>12} {'bundle bytes':>13}"
    )
    print(header)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        root = Path(tmp)
        for size in sizes:
            site = papers.write_collection(root, size, args.seed, sources).site_builder
            on = load_config(site)
            off = load_config(site, {"search": False, "output_dir": str(site / "output-off")})
            build_on = best(args.repeat, lambda on=on: build(on))
            build_off = best(args.repeat, lambda off=off: build(off))
            copy = root / f"copy-{size}"

            def index_once(copy: Path = copy, built: Path = on.output_dir) -> None:
                shutil.rmtree(copy, ignore_errors=True)
                shutil.copytree(built, copy, ignore=shutil.ignore_patterns(BUNDLE_DIR))
                started = time.perf_counter()
                index_site(copy, binary)
                timings.append(time.perf_counter() - started)

            timings: list[float] = []
            for _ in range(args.repeat):
                index_once()
            bundle = on.output_dir / BUNDLE_DIR
            print(
                f"{size:>7} {min(timings):>8.3f} {build_on:>11.3f} {build_off:>12.3f} "
                f"{index_bytes(bundle):>12,} {folder_bytes(bundle):>13,}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
