"""Where does a site-builder build spend its time? cProfile plus import times, one size.

    /tmp/venv/bin/python bench/profile_build.py                 # 5000 papers, top 15 functions
    /tmp/venv/bin/python bench/profile_build.py --size 1000 --top 25 --stats /tmp/build.prof

Generates the same synthetic papers as bench/run.py (same seed, same files), then:

1. profiles one cold build in-process with cProfile (the profiler itself slows pure-Python code
   down, so use it for where time goes, and bench/run.py for how long things take);
2. runs one cold build in a child with ``python -X importtime`` and lists the slowest imports,
   since start-up is paid on every build and every rebuild.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import papers` from anywhere
import papers
from run import sb_command, sb_env

REPO = papers.REPO


def profile_build(site: Path, top: int, stats_file: Path | None) -> str:
    sys.path.insert(0, str(REPO))  # this checkout's site_builder, installed or not
    from site_builder.cli import main as sb_main

    profiler = cProfile.Profile()
    profiler.enable()
    code = sb_main(["--site", str(site), "build"])
    profiler.disable()
    if code != 0:
        raise SystemExit(f"build failed with exit code {code}")
    if stats_file:
        profiler.dump_stats(stats_file)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_times(site: Path, top: int) -> str:
    """Slowest top-level imports of a real build (cumulative microseconds, as -X importtime)."""
    shutil.rmtree(site / "output", ignore_errors=True)
    cmd = [sb_command(site)[0], "-X", "importtime", *sb_command(site)[1:]]
    done = subprocess.run(cmd, cwd=REPO, env=sb_env(), capture_output=True, text=True)
    rows: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        m = _IMPORT_LINE.match(line)
        if m and len(m.group(3)) <= 1:  # depth 0: what the program itself imported
            rows.append((int(m.group(2)), m.group(4)))
    total = sum(us for us, _ in rows)
    rows.sort(reverse=True)
    lines = [f"all top-level imports: {total / 1e6:.3f}s"]
    lines += [f"{us / 1e6:8.3f}s  {name}" for us, name in rows[:top]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=5000, help="papers (default: 5000)")
    parser.add_argument("--seed", type=int, default=1, help="same default as bench/run.py")
    parser.add_argument("--top", type=int, default=15, help="rows to show")
    parser.add_argument("--stats", type=Path, metavar="FILE", help="save the pstats file here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sb-profile-") as tmp:
        coll = papers.write_collection(Path(tmp), args.size, args.seed, papers.read_sources())
        print(f"== cProfile of one cold build, {args.size} papers")
        print(profile_build(coll.site_builder, args.top, args.stats))
        print(f"== python -X importtime, one cold build, {args.size} papers")
        print(import_times(coll.site_builder, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
