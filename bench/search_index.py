"""What search costs: Pagefind's index time and size on the synthetic collections.

    /tmp/venv/bin/python bench/search_index.py                 # sizes 51, 1000; best of 3
    /tmp/venv/bin/python bench/search_index.py --sizes 51,1000,5000 --repeat 5

For each size it times, best of --repeat:
- index: Pagefind alone on a copy of the built site (the call the build's finalize hook makes);
- cold on / cold off: a whole build into an empty output folder, search on and off;
- rebuild on / rebuild off: a build on top of its own output with the same papers (serve
  after a template or style edit); with search on, the previous bundle is reused.
Sizes: the index proper (fragments, word and filter indexes, metadata) and the whole bundle,
which adds Pagefind's fixed JavaScript and WebAssembly files. See docs/search.md.
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


def best(repeat: int, run, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def fresh_copy(built: Path, copy: Path) -> None:
    """The built site without its bundle, for timing Pagefind alone."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(built, copy, ignore=shutil.ignore_patterns(BUNDLE_DIR))


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
        f"{'papers':>7} {'index s':>8} {'cold on s':>10} {'cold off s':>11} "
        f"{'rebuild on s':>13} {'rebuild off s':>14} {'index bytes':>12} {'bundle bytes':>13}"
    )
    print(header)
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        root = Path(tmp)
        for size in sizes:
            site = papers.write_collection(root, size, args.seed, sources).site_builder
            on = load_config(site)
            off = load_config(site, {"search": False, "output_dir": str(site / "output-off")})
            cold_on = best(
                args.repeat,
                lambda on=on: build(on),
                lambda on=on: shutil.rmtree(on.output_dir, ignore_errors=True),
            )
            cold_off = best(
                args.repeat,
                lambda off=off: build(off),
                lambda off=off: shutil.rmtree(off.output_dir, ignore_errors=True),
            )
            rebuild = best(args.repeat, lambda on=on: build(on))
            rebuild_off = best(args.repeat, lambda off=off: build(off))
            copy = root / f"copy-{size}"
            index = best(
                args.repeat,
                lambda copy=copy: index_site(copy, binary),
                lambda copy=copy, built=on.output_dir: fresh_copy(built, copy),
            )
            bundle = on.output_dir / BUNDLE_DIR
            print(
                f"{size:>7} {index:>8.3f} {cold_on:>10.3f} {cold_off:>11.3f} "
                f"{rebuild:>13.3f} {rebuild_off:>14.3f} "
                f"{index_bytes(bundle):>12,} {folder_bytes(bundle):>13,}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
