"""``site-builder serve``: build into a temp folder, serve it, rebuild on change, reload browsers.

How this uses the ``livereload`` package, and why not its ``Server.serve``
--------------------------------------------------------------------------
``Server.serve`` cannot meet the requirements, so this module runs its own tornado
``Application`` and takes two pieces from livereload:

* ``livereload.handlers.LiveReloadJSHandler`` serves the browser client (``livereload.js``) as is.
* ``livereload.handlers.LiveReloadHandler`` is the base of :class:`ReloadSocket`, the websocket
  the client talks to. We keep its origin policy and its wire protocol (the ``hello`` handshake,
  ``reload`` commands) but override its message handling, because the original keeps its
  connections, watcher and last-reload time in class attributes, that is global state shared by
  every server in the process, and it drops reloads that come too soon after the last one.

The traps of livereload (see DESIGN.md, "Dev server") and what this module does about each:

* It polls every 800 ms, and its ``Watcher`` stops at the first changed file of each scan, so a
  save that touches several files takes several polls. We use ``watchfiles`` instead (the OS's
  file events through Rust ``notify``): a change is seen within milliseconds, and a burst of
  changes (a save, a ``git checkout``) ends once nothing new came for :data:`DEBOUNCE`, so it is
  one rebuild. Changes that arrive during a build are merged into the next one.
* It injects its script only before a case-sensitive ``</head>`` in the first chunk. We read
  whole files and inject into every HTML response ourselves (:func:`inject_script`): before
  ``</head>`` in any case, else before ``</body>``, else at the end.
* Edits within 3 s after a reload are rebuilt but not shown (``DEFAULT_RELOAD_TIME``). We send a
  reload after every rebuild. Each page also carries the number of the build it was served from
  (in the client's ``snipver`` option, which the client echoes in its ``hello``). A page older
  than the current build is reloaded as soon as its websocket connects, so a rebuild that
  finishes while a page is still loading is not missed.
* It cannot serve under a sub-path. We route requests ourselves and serve the production base
  path (``/repo/``); ``/`` redirects there (302, never 301: browsers cache a 301, and it would
  outlive the session). Pretty URLs work as on GitHub Pages.
* A busy port is a raw ``OSError``. We bind the socket ourselves, say
  ``port 8000 is in use; trying 8001`` and use the next free port.
* It has no custom 404. Unknown paths get the site's own ``404.html`` with status 404.

Other choices: the site is built into a temporary folder with the base URL pointed at the
preview, so ``output/`` is never touched nor watched. While the last build failed, every HTML
page carries a banner listing the errors, over the last good build. Builds run on a build
thread, so the server keeps answering during a build; the build's rename swap means a request
never sees a half-written site.

Rebuilds are incremental: one ``Builder`` lives as long as the server, so a rebuild re-parses
only the changed files and renders only the pages whose inputs changed. Work over the whole
collection (related papers) is deferred: the edited pages are served and browsers reloaded at
once, with the last result standing in, and a follow-up build in the background brings the site
to exactly what ``site-builder build`` gives. A new change supersedes the follow-up. While it is
pending, the log and a banner on every page say so.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import json
import mimetypes
import queue
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import webbrowser
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

import watchfiles
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketClosedError

from .build import Builder, input_paths
from .cache import CACHE_DIR
from .config import CONFIG_NAME, Config, load_config
from .enrich.topics import poor_fit_note
from .errors import ErrorList, SiteError, Warn

DEBOUNCE = 0.03  # a burst of changes ends when nothing new came for this long (seconds)...
MAX_WAIT = 2.0  # ...or this long after its first change, so a steady stream can't starve it
PORT_TRIES = 20  # how many ports to try, from --port upwards
EXIT_OK, EXIT_USAGE = 0, 2
LIVERELOAD_PROTOCOL = "http://livereload.com/protocols/official-7"

Say = Callable[[str], None]
# How many of the pages served last count as open, besides those the browsers' sockets name.
SERVED_PAGES = 4


def _say(text: str) -> None:
    print(text, flush=True)


def _shout(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


class ServeError(SiteError):
    """The server cannot start: no port to listen on, or a bad host."""


# ---------------------------------------------------------------------------------------------
# Pure helpers: HTML injection, error banner, request paths, port choice, file snapshots
# ---------------------------------------------------------------------------------------------

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def inject_script(page: bytes, snippet: bytes) -> bytes:
    """Put ``snippet`` before ``</head>`` (any case), else before the last ``</body>``, else at
    the end."""
    head = _HEAD_END.search(page)
    if head:
        return page[: head.start()] + snippet + page[head.start() :]
    # The last </body>: an earlier one can only be inside a comment or a script string.
    bodies = list(_BODY_END.finditer(page))
    if bodies:
        at = bodies[-1].start()
        return page[:at] + snippet + page[at:]
    return page + snippet


def inject_banner(page: bytes, banner: bytes) -> bytes:
    """Put ``banner`` just inside ``<body>``; without one, at the end (it is fixed-position)."""
    body = _BODY_START.search(page)
    if body:
        return page[: body.end()] + banner + page[body.end() :]
    return page + banner


def client_snippet(port: int, generation: int) -> bytes:
    """The tag that loads livereload.js. The client reads ``port`` and ``snipver`` from its URL;
    ``snipver`` carries the build number the page was served from (see :class:`ReloadSocket`)."""
    return (f'<script src="/livereload.js?port={port}&amp;snipver={generation}"></script>').encode()


def error_banner(errors: Sequence[str], *, has_build: bool) -> bytes:
    """The overlay shown on every page while the last build failed. Error text is escaped:
    it quotes user content (titles, YAML), which must not become markup."""
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    under = "showing the last good build" if has_build else "nothing has been built yet"
    listing = html.escape("\n".join(errors))
    return (
        '<div id="site-builder-errors" role="alert" style="position:fixed;top:0;left:0;'
        "right:0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;padding:12px 16px;"
        "background:#fff1f0;color:#5c0000;border-bottom:3px solid #c00;text-align:left;"
        'font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace">'
        '<button type="button" onclick="this.parentNode.remove()" aria-label="Hide" '
        'style="float:right;font:inherit;border:0;background:none;cursor:pointer">&#x2715;'
        "</button>"
        f"<strong>Build failed ({count}); {under}.</strong> "
        "Fix the files and save; this page reloads by itself."
        f'<pre style="margin:8px 0 0;white-space:pre-wrap;font:inherit">{listing}</pre></div>'
    ).encode()


def _and(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join(filter(None, [", ".join(items[:-1]), *items[-1:]]))


def pending_banner(pending: Sequence[str]) -> bytes:
    """The note shown on every page while a follow-up build is still updating parts of it."""
    what = html.escape(_and(pending))
    return (
        '<div id="site-builder-pending" role="status" style="position:fixed;bottom:0;right:0;'
        "z-index:2147483647;margin:0;padding:6px 12px;background:#fffbe6;color:#5c4400;"
        "border:1px solid #d4b106;border-radius:4px 0 0 0;"
        'font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace">'
        f"Still updating {what} in the background; this page reloads when done.</div>"
    ).encode()


def fallback_page(title: str, text: str) -> bytes:
    """A bare page for when the site has no page of its own to show."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    ).encode()


def error_lines(exc: BaseException) -> tuple[str, ...]:
    """One ``path:line: message`` string per error of a failed build."""
    if isinstance(exc, ErrorList):
        return tuple(str(e) for e in exc.errors)
    if isinstance(exc, SiteError):
        return (str(exc),)
    # A bug rather than a site error: still show something useful in the browser.
    return (f"internal error: {type(exc).__name__}: {exc}",)


@dataclass(frozen=True)
class Redirect:
    location: str


@dataclass(frozen=True)
class FileHit:
    path: Path


@dataclass(frozen=True)
class Missing:
    pass


Resolved = Redirect | FileHit | Missing


def resolve_request(raw_path: str, base_path: str, root: Path) -> Resolved:
    """Map a request path (percent-encoded, as received) to a file of the built site in ``root``,
    the way GitHub Pages does: ``dir/`` serves ``dir/index.html``, ``dir`` redirects to ``dir/``,
    and only paths under ``base_path`` exist."""
    path = unquote(raw_path)
    if base_path != "/" and path in ("/", base_path.rstrip("/")):
        return Redirect(base_path)
    if not path.startswith(base_path):
        return Missing()
    # Empty segments are dropped, so '//etc/passwd' cannot make the joined path absolute.
    names = [name for name in path[len(base_path) :].split("/") if name]
    if any(name in (".", "..") or "\\" in name or "\0" in name for name in names):
        return Missing()
    target = root.joinpath(*names)
    if path.endswith("/"):
        target = target / "index.html"
    elif target.is_dir():
        # Rebuilt from the clean names, never echoed: '//evil.example' must not become a redirect.
        return Redirect(base_path + "/".join(quote(name) for name in names) + "/")
    return FileHit(target) if target.is_file() else Missing()


def url_host(host: str) -> str:
    """The host as written in a URL: wildcard addresses become loopback, IPv6 gets brackets."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def bind_free_port(
    host: str, start: int, say: Say = _say, tries: int = PORT_TRIES
) -> tuple[list[socket.socket], int]:
    """Listen on ``start`` or the next free port after it, saying each one that is busy.

    Binding (rather than probing, then binding later) leaves no gap for another program
    to take the port in between. ``start=0`` lets the system pick.
    """
    if not 0 <= start <= 65535:
        raise ServeError(f"port must be between 1 and 65535, got {start}")
    last = start if start == 0 else min(start + tries - 1, 65535)
    for port in range(start, last + 1):
        try:
            sockets = bind_sockets(port, address=host or None)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                reason = exc.strerror or str(exc)
                raise ServeError(f"cannot listen on {host}:{port}: {reason}") from None
            if port < last:
                say(f"port {port} is in use; trying {port + 1}")
            continue
        return sockets, sockets[0].getsockname()[1]
    raise ServeError(f"ports {start}-{last} are all in use; choose another with --port")


def find_free_port(host: str, start: int, say: Say = _say) -> int:
    """The first free port from ``start`` on (free now; a later bind could still lose a race)."""
    sockets, port = bind_free_port(host, start, say)
    for sock in sockets:
        sock.close()
    return port


def ignored_name(name: str) -> bool:
    """Editor droppings and hidden files: changes to them are not edits of the site."""
    return (
        name.startswith((".", "#"))  # .a.md.swp, .#a.md (Emacs lock), #a.md# (Emacs autosave)
        or name.endswith(("~", ".swp", ".swx", ".tmp"))
        or name == "4913"  # Vim's probe file, written and deleted on every save
    )


@dataclass(frozen=True)
class WatchTargets:
    """What to hand the OS watcher for a set of inputs: folders watched with all they hold, and
    folders watched for their own entries only (the parents of single files, and the nearest
    existing folder of an input that does not exist yet)."""

    deep: tuple[Path, ...]
    shallow: tuple[Path, ...]


def watch_targets(roots: Iterable[Path]) -> WatchTargets:
    """A file is watched through its folder, not by itself: an editor's atomic save replaces
    the file, and a watch on the old file would be lost with it. An input that does not exist
    yet (site.yaml, templates/) is watched through its nearest existing folder, so its creation
    is seen; the rebuild that follows watches it properly."""
    deep: dict[Path, None] = {}
    shallow: dict[Path, None] = {}
    for root in roots:
        if root.is_dir():
            deep[root] = None
            continue
        parent = root.parent
        while not parent.is_dir() and parent != parent.parent:
            parent = parent.parent
        shallow[parent] = None
    # A folder already watched deeply needs no shallow watch of its own.
    kept = [f for f in shallow if not any(f.is_relative_to(d) for d in deep)]
    return WatchTargets(tuple(deep), tuple(kept))


@dataclass(frozen=True)
class ChangeFilter:
    """Decides which changed paths mean "rebuild": inside (or on the way to) an input, outside
    every excluded folder (output/, the build cache, the preview), and not editor droppings."""

    roots: tuple[Path, ...]
    exclude: tuple[Path, ...] = ()

    def __call__(self, change: object, raw: str) -> bool:
        return self.wanted(Path(raw))

    def wanted(self, path: Path) -> bool:
        if any(path.is_relative_to(x) for x in self.exclude):
            return False
        for root in self.roots:
            if path == root:
                return True
            if path.is_relative_to(root):
                parts = path.relative_to(root).parts
                return not any(ignored_name(part) for part in parts)
            if root.is_relative_to(path):
                return True  # a folder on the way to an input appeared or went
        return False


def describe_changes(paths: Sequence[Path], root: Path | None) -> str:
    def show(path: Path) -> str:
        if root is not None and path.is_relative_to(root):
            return path.relative_to(root).as_posix()
        return str(path)

    if not paths:
        return ""
    if len(paths) == 1:
        return f"{show(paths[0])} changed"
    return f"{show(paths[0])} and {len(paths) - 1} more changed"


# ---------------------------------------------------------------------------------------------
# What the server builds: a seam, so tests can hand it a fake site
# ---------------------------------------------------------------------------------------------


class Report(Protocol):
    @property
    def pages(self) -> int: ...

    @property
    def warnings(self) -> tuple[Warn, ...]: ...

    @property
    def pending(self) -> tuple[str, ...]:
        """What this build left stale for a follow-up build (e.g. "related papers")."""
        ...


Progress = Callable[[int, int], None]  # (done, total) while rendering; may raise to cancel
# The pages a browser shows (``papers/x/index.html``), which a long rebuild renders first.
OpenPages = frozenset[str]


@dataclass(frozen=True)
class Plan:
    """One rebuild, worked out from the config before anything is built."""

    base_path: str  # the production base path, which the preview mirrors
    watch: tuple[Path, ...]  # files and folders whose change means "rebuild"
    # Builds into the preview folder; raises SiteError. With defer=True, whole-collection work
    # may reuse the last result, and pages no browser shows may wait, each named in the
    # report's ``pending``.
    run: Callable[[bool, Progress | None, OpenPages], Report]
    exclude: tuple[Path, ...] = ()  # never watched, even inside a watched folder
    # The quick answer to a save: the changed pages only, when that is possible (else None).
    # Its report names in ``pending`` what a follow-up build (run with defer=False) finishes.
    preview: Callable[[Sequence[Path]], Report | None] | None = None


class SiteSource(Protocol):
    @property
    def fallback_watch(self) -> tuple[Path, ...]:
        """What to watch while the config cannot be read."""
        ...

    def plan(self, origin: str, output_dir: Path) -> Plan:
        """Read the config for a preview at ``origin`` (``http://host:port``) built into
        ``output_dir``. Raises SiteError when the config is wrong."""
        ...


def watch_paths(config: Config) -> tuple[Path, ...]:
    """Every input of a build, and nothing it writes."""
    return input_paths(config)


class SiteBuild:
    """The real site: site.yaml (plus ``--base-url``) built with the base URL of the preview."""

    def __init__(self, site_dir: Path, base_url: str | None = None):
        self.site_dir = site_dir.resolve()
        self.base_url = base_url
        # One Builder for the whole session: its in-memory state makes every rebuild after the
        # first incremental. The on-disk cache is left to `site-builder build`: the preview is
        # built elsewhere, and its state would make the next `build` render everything again.
        self.builder = Builder(self.site_dir, use_cache=False)

    @property
    def fallback_watch(self) -> tuple[Path, ...]:
        return (self.site_dir / CONFIG_NAME,)

    def plan(self, origin: str, output_dir: Path) -> Plan:
        overrides: dict[str, object] = {}
        if self.base_url is not None:
            overrides["base_url"] = self.base_url
        # Read twice: first for the production base path, then for the preview's own URL.
        production = load_config(self.site_dir, overrides)
        preview = load_config(
            self.site_dir,
            {
                **overrides,
                "base_url": origin + production.base_path,
                "output_dir": str(output_dir),
            },
        )

        def run(defer: bool, progress: Progress | None, open_pages: OpenPages) -> Report:
            # A follow-up build gets ``progress``, which raises once a newer change waits:
            # the build checks it between steps and routes, and stops there.
            cancel = (lambda: progress(0, 0)) if progress is not None else None
            return self.builder.build(
                preview, defer_global=defer, progress=progress, cancel=cancel,
                open_pages=open_pages,
            )  # fmt: skip

        def quick(changed: Sequence[Path]) -> Report | None:
            return self.builder.preview(preview, changed)

        exclude = (production.output_dir, self.site_dir / CACHE_DIR, output_dir)
        return Plan(preview.base_path, watch_paths(preview), run, exclude, quick)


# ---------------------------------------------------------------------------------------------
# The tornado side: state read by handlers, the reload websocket, the site handler
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """What the last build left for requests to see."""

    generation: int  # counts builds, failed ones too: each changes what pages look like
    base_path: str
    errors: tuple[str, ...]  # empty when the last build succeeded
    has_build: bool  # whether any build ever succeeded
    pending: tuple[str, ...] = ()  # still being updated in the background ("related papers")


class LiveState:
    """The current status, the connected browsers and the pages they show. Used only on the
    IOLoop thread, but for ``open_pages``, which the build thread reads: it is replaced whole."""

    def __init__(self, status: Status, root: Path):
        self.status = status
        self.root = root
        self.sockets: set[ReloadSocket] = set()
        self._served: list[str] = []  # the last pages served, oldest first
        self.open_pages: OpenPages = frozenset()

    def page(self, found: Resolved) -> str | None:
        """The file of the built site a request found, as the build names it."""
        if not isinstance(found, FileHit) or found.path.suffix != ".html":
            return None
        try:
            return found.path.relative_to(self.root).as_posix()
        except ValueError:
            return None

    def served(self, page: str) -> None:
        # A page just served is about to be open, before its socket says so.
        self._served = [*(p for p in self._served if p != page), page][-SERVED_PAGES:]
        self.update()

    def update(self) -> None:
        shown = {sock.page for sock in self.sockets if sock.page}
        self.open_pages = frozenset(shown.union(self._served))

    def publish(self, status: Status) -> None:
        self.status = status
        for sock in list(self.sockets):
            sock.send_reload()

    def close_all(self) -> None:
        for sock in list(self.sockets):
            sock.close()
        self.sockets.clear()


class ReloadSocket(LiveReloadHandler):
    """livereload's websocket, with its connections kept per server instead of per class."""

    def initialize(self, live: LiveState) -> None:
        self.live = live
        self.page: str | None = None  # the page this browser shows, once it says

    def on_message(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        if data.get("command") == "info":  # livereload.js says which page it shows
            url = data.get("url")
            if isinstance(url, str):
                path = urlsplit(url).path
                self.page = self.live.page(
                    resolve_request(path, self.live.status.base_path, self.live.root)
                )
                self.live.update()
            return
        if data.get("command") != "hello":
            return  # the rest carry nothing we need
        self._send(
            {"command": "hello", "protocols": [LIVERELOAD_PROTOCOL], "serverName": "site-builder"}
        )
        self.live.sockets.add(self)
        # A page built before the current build (a rebuild finished while it loaded, or the
        # server restarted) would never be told: reload it now.
        served = data.get("snipver")
        if isinstance(served, int) and served != self.live.status.generation:
            self.send_reload()

    def on_close(self) -> None:
        self.live.sockets.discard(self)
        self.live.update()

    def send_reload(self) -> None:
        # Path '*' makes the client reload the page; live CSS is useless with fingerprinted names.
        self._send({"command": "reload", "path": "*", "liveCSS": False, "liveImg": False})

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self.write_message(json.dumps(message))
        except WebSocketClosedError:
            self.live.sockets.discard(self)


class SiteHandler(web.RequestHandler):
    """Serves the built site under its base path, with the live-reload script and error banner."""

    def initialize(self, live: LiveState, root: Path, port: int) -> None:
        self.live = live
        self.root = root
        self.port = port

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")  # after a reload, always the new build

    def compute_etag(self) -> None:
        return None

    async def get(self) -> None:
        await self._respond(include_body=True)

    async def head(self) -> None:
        await self._respond(include_body=False)

    async def _respond(self, include_body: bool) -> None:
        status = self.live.status
        if status.has_build and not self.root.is_dir():
            # The build swaps output folders with two renames; we landed between them.
            await asyncio.sleep(0.05)
        found = resolve_request(self.request.path, status.base_path, self.root)
        if isinstance(found, Redirect):
            query = f"?{self.request.query}" if self.request.query else ""
            self.redirect(found.location + query)
            return
        data: bytes | None = None
        name = ""
        if isinstance(found, FileHit):
            name = found.path.name
            try:
                # Read per request, never cached: the next build replaces the whole folder.
                data = found.path.read_bytes()
            except OSError:
                data = None
        code = 200
        if data is None:
            code, data, name = self._not_found(status)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if kind == "text/html":
            if code == 200:
                page = self.live.page(found)
                if page is not None:
                    self.live.served(page)
            data = self._decorate(data, status)
        if kind.startswith("text/") or kind in ("application/javascript", "application/json"):
            kind += "; charset=utf-8"
        self.set_status(code)
        self.set_header("Content-Type", kind)
        self.set_header("Content-Length", str(len(data)))
        if include_body:
            self.write(data)
        await self.finish()

    def _not_found(self, status: Status) -> tuple[int, bytes, str]:
        if not status.has_build:
            text = "The first build failed; the errors are listed above."
            return 500, fallback_page("Nothing built yet", text), "error.html"
        try:
            return 404, (self.root / "404.html").read_bytes(), "404.html"
        except OSError:
            return 404, fallback_page("Not found", "This site has no 404.html."), "404.html"

    def _decorate(self, page: bytes, status: Status) -> bytes:
        if status.errors:
            page = inject_banner(page, error_banner(status.errors, has_build=status.has_build))
        elif status.pending:
            page = inject_banner(page, pending_banner(status.pending))
        return inject_script(page, client_snippet(self.port, status.generation))


def _no_access_log(handler: web.RequestHandler) -> None:
    """Tornado logs every 404 (favicon.ico...) as a warning; a preview has no use for that."""


# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


class _SupersededError(Exception):
    """A new change arrived during a follow-up build: drop it, the next build is due."""


@dataclass(frozen=True)
class _Either:
    """Stops a watcher on either event (watchfiles takes one object with ``is_set``)."""

    first: threading.Event
    second: threading.Event

    def is_set(self) -> bool:
        return self.first.is_set() or self.second.is_set()


class DevServer:
    """Builds, serves and rebuilds one site. ``start()`` returns once it serves; ``stop()``
    ends it and removes its temp folder. The IOLoop, the watcher and the builds run on their
    own threads, so tests can run a server inside the test process."""

    def __init__(
        self,
        site: SiteSource,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        display_root: Path | None = None,
        say: Say = _say,
        shout: Say = _shout,
        debounce: float = DEBOUNCE,
        force_polling: bool | None = None,
    ):
        self._site = site
        self._host = host
        self._port = port
        self._display_root = display_root.resolve() if display_root is not None else None
        self._say = say
        self._shout = shout
        self._debounce = debounce
        self._force_polling = force_polling  # None: watchfiles decides (it polls on WSL mounts)
        self._tmp: Path | None = None
        self._sockets: list[socket.socket] = []
        self._origin = ""
        self._stopping = threading.Event()
        self._stopped = False
        self._loop_ready = threading.Event()
        self._loop: IOLoop | None = None
        self._quit: Callable[[], None] | None = None
        # Events, not Thread.join: on Python 3.11 a Ctrl-C that interrupts join() can mark the
        # thread as finished while it still runs (the bpo-45274 fix), and we'd clean up under it.
        self._loop_done = threading.Event()
        self._watch_done = threading.Event()
        self._build_done = threading.Event()
        self._threads = False
        # Changed paths, one list per burst: the watcher puts, the build thread takes.
        self._changes: queue.Queue[list[Path]] = queue.Queue()
        self._rewatch = threading.Event()  # the watch set changed: the watcher starts over
        self._watching = threading.Event()  # the watcher has its folders (set once)
        self._watch_lock = threading.Lock()
        self._watch: tuple[Path, ...] = ()
        self._exclude: tuple[Path, ...] = ()
        self._targets: WatchTargets | None = None
        # Owned by whichever thread builds: start() for the first build, then the build thread.
        self._generation = 0
        self._base_path = "/"
        self._warned: frozenset[Warn] = frozenset()
        self._fit_noted = False  # the poor-fit note is said once, at the first good build
        self._live: LiveState | None = None
        self._last: Status | None = None

    # -- public ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def output_dir(self) -> Path:
        if self._tmp is None:
            raise RuntimeError("the server has not started")
        return self._tmp / "site"

    @property
    def url(self) -> str:
        live = self._live
        return self._origin + (live.status.base_path if live else self._base_path)

    def start(self) -> str:
        """Listen, build once (a failed build is shown, not fatal), serve, watch. Returns the
        URL actually served."""
        self._sockets, self._port = bind_free_port(self._host, self._port, self._say)
        try:
            self._origin = f"http://{url_host(self._host)}:{self._port}"
            self._tmp = Path(tempfile.mkdtemp(prefix="site-builder-serve-"))
            # The watcher starts first and watches as soon as the first plan names the inputs,
            # so an edit made during the first build is not missed.
            self._threads = True
            threading.Thread(
                target=self._watch_loop, name="site-builder-watch", daemon=True
            ).start()
            # The first build is a full one: nothing to defer to, and nothing stale to serve.
            first = self._rebuild(reason=None, defer=False)
            self._live = LiveState(first, self.output_dir)
            threading.Thread(target=self._run_loop, name="site-builder-http", daemon=True).start()
            if not self._loop_ready.wait(10) or self._loop is None:
                raise ServeError("the web server did not start")
            # An edit made right after "Serving" must be seen: wait for the watcher's first
            # answer (a timeout, at most rust_timeout), which proves its OS watch is in place.
            self._watching.wait(5)
            threading.Thread(
                target=self._build_loop, name="site-builder-build", daemon=True
            ).start()
        except BaseException:
            self._build_done.set()
            self.stop()
            raise
        self._say(f"Serving {self.url} (Ctrl-C to stop)")
        return self.url

    def wait(self) -> None:
        """Block until the server stops. Ctrl-C raises KeyboardInterrupt here."""
        while not self._loop_done.wait(0.5):  # a timeout, so the main thread can take Ctrl-C
            pass

    def stop(self) -> None:
        """Stop serving and watching, then remove the temp folder. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self._stopping.set()
        try:
            if self._loop is not None and self._quit is not None:
                self._loop.add_callback(self._quit)
                self._loop_done.wait(10)
            if self._threads:
                self._watch_done.wait(10)
                if not self._build_done.wait(1):
                    self._say("Waiting for the build in progress to finish...")
                    self._build_done.wait(120)
        finally:
            for sock in self._sockets:
                sock.close()
            if self._tmp is not None:
                shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> DevServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- building --------------------------------------------------------------------------

    def _set_watch(self, watch: tuple[Path, ...], exclude: tuple[Path, ...]) -> None:
        """Watch these inputs from now on; restart the watcher only if what it watches changed
        (a restart has a moment in which a change could be missed)."""
        targets = watch_targets(watch)
        with self._watch_lock:
            self._watch, self._exclude = watch, exclude
            if targets != self._targets:
                self._targets = targets
                self._rewatch.set()

    def _rebuild(
        self,
        reason: str | None,
        *,
        defer: bool,
        follow_up: bool = False,
        changed: Sequence[Path] = (),
    ) -> Status:
        """Plan and run one build, print the outcome, and return the status to publish.
        ``follow_up``: the background build that finishes what the last one deferred; it is
        cancelled (raising _SupersededError) as soon as a new change is waiting."""
        started = time.perf_counter()
        because = f" ({reason})" if reason else ""
        report: Report | None = None
        errors: tuple[str, ...] = ()
        failure = ""
        progress: Progress | None = self._check_superseded if follow_up else None
        try:
            try:
                plan = self._site.plan(self._origin, self.output_dir)
            except BaseException:
                # Keep watching what we watched, plus site.yaml, so fixing it rebuilds.
                self._set_watch(
                    tuple(dict.fromkeys(self._watch + self._site.fallback_watch)), self._exclude
                )
                raise
            self._set_watch(plan.watch, plan.exclude)
            if plan.base_path != self._base_path and self._generation > 0:
                self._say(f"The base path is now {plan.base_path}: {self._origin}{plan.base_path}")
            self._base_path = plan.base_path
            if follow_up:
                self._check_superseded()
            if changed and plan.preview is not None:
                report = plan.preview(changed)
            if report is None:
                live = self._live
                report = plan.run(defer, progress, live.open_pages if live else frozenset())
        except _SupersededError:
            raise
        except SiteError as exc:
            errors = error_lines(exc)
            failure = str(exc)
        except Exception as exc:  # a bug in the build: say so, but keep the server up
            errors = error_lines(exc)
            failure = "".join(traceback.format_exception(exc)).rstrip()
        self._generation += 1
        seconds = time.perf_counter() - started
        pending = tuple(report.pending) if report is not None else ()
        if self._stopping.is_set():
            pass  # stopping mid-build: the temp folder is going away, the outcome is moot
        elif report is not None and follow_up:
            done = _and(self._last.pending if self._last else ()) or "the site"
            self._say(f"Updated {done} in {seconds:.2f}s")
            self._print_warnings(report.warnings)
        elif report is not None:
            verb = "Built" if self._generation == 1 else "Rebuilt"
            later = f"; updating {_and(pending)} in the background" if pending else ""
            self._say(f"{verb} {report.pages} pages in {seconds:.2f}s{because}{later}")
            self._print_warnings(report.warnings)
            note = poor_fit_note(report.taxonomy_fit, report.papers)
            if note and not self._fit_noted:  # once: it stays true while the user edits
                self._shout(note)
                self._fit_noted = True
        else:
            self._shout(f"Build failed in {seconds:.2f}s{because}:")
            self._shout(failure)
            has_build = self._last is not None and self._last.has_build
            keep = "serving the last good build" if has_build else "nothing to serve yet"
            self._shout(f"The errors are shown in the browser; {keep}.")
        has_build = report is not None or (self._last is not None and self._last.has_build)
        status = Status(self._generation, self._base_path, errors, has_build, pending)
        self._last = status
        return status

    def _check_superseded(self, *_progress: int) -> None:
        if not self._changes.empty() or self._stopping.is_set():
            raise _SupersededError

    def _print_warnings(self, warnings: Sequence[Warn]) -> None:
        """Print only warnings the previous build did not have: the rest were printed before."""
        new = [w for w in warnings if w not in self._warned]
        self._warned = frozenset(warnings)
        for w in new[:10]:
            self._shout(f"warning: {w}")
        if len(new) > 10:
            self._shout(f"... and {len(new) - 10} more warnings")

    def _publish(self, status: Status) -> None:
        if self._loop is not None and self._live is not None:
            live = self._live
            self._loop.add_callback(live.publish, status)

    def _build_loop(self) -> None:
        try:
            self._build_until_stopped()
        finally:
            self._build_done.set()

    def _build_until_stopped(self) -> None:
        while not self._stopping.is_set():
            owed = self._last is not None and bool(self._last.pending)
            try:
                # With a follow-up owed, only a change already waiting goes first.
                burst = self._changes.get(timeout=0.001 if owed else 0.2)
            except queue.Empty:
                if owed:
                    self._follow_up()
                continue
            changed = dict.fromkeys(burst)
            while True:  # everything that came during the last build: one rebuild
                try:
                    changed.update(dict.fromkeys(self._changes.get_nowait()))
                except queue.Empty:
                    break
            reason = describe_changes(sorted(changed), self._display_root)
            self._publish(self._rebuild(reason, defer=True, changed=tuple(changed)))

    def _follow_up(self) -> None:
        try:
            status = self._rebuild(None, defer=False, follow_up=True)
        except _SupersededError:
            return  # the next rebuild defers again and owes a new follow-up
        self._publish(status)

    def _watch_loop(self) -> None:
        """Turn file events into bursts of changed paths for the build thread. Starts over
        whenever the set of watched folders changes (a new site.yaml, a new templates/)."""
        try:
            while not self._stopping.is_set():
                if not self._rewatch.wait(0.1):
                    continue
                with self._watch_lock:
                    self._rewatch.clear()
                    targets = self._targets
                    accept = ChangeFilter(self._watch, self._exclude)
                if targets is None:
                    continue
                stop = _Either(self._stopping, self._rewatch)
                groups = [(targets.deep, True), (targets.shallow, False)]
                threads = [
                    threading.Thread(
                        target=self._watch_group,
                        args=(paths, recursive, accept, stop),
                        name="site-builder-watch-group",
                        daemon=True,
                    )
                    for paths, recursive in groups
                    if paths
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
        finally:
            self._watch_done.set()

    def _watch_group(
        self, paths: tuple[Path, ...], recursive: bool, accept: ChangeFilter, stop: _Either
    ) -> None:
        try:
            for changes in watchfiles.watch(
                *paths,
                watch_filter=accept,
                step=max(1, round(self._debounce * 1000)),
                debounce=round(MAX_WAIT * 1000),
                stop_event=stop,
                rust_timeout=200,
                yield_on_timeout=True,
                raise_interrupt=False,
                recursive=recursive,
                force_polling=self._force_polling,
                ignore_permission_denied=True,
            ):
                self._watching.set()  # the first answer: the OS watch is in place
                if changes:
                    self._changes.put(sorted({Path(raw) for _change, raw in changes}))
                if stop.is_set():
                    return
        except (OSError, RuntimeError) as exc:
            # A watched folder vanished under us: the next rebuild's plan watches anew.
            if not stop.is_set():
                self._shout(f"warning: could not watch {', '.join(map(str, paths))}: {exc}")
                self._rewatch.set()
                time.sleep(0.5)

    # -- serving ---------------------------------------------------------------------------

    def _application(self, live: LiveState) -> web.Application:
        return web.Application(
            [
                (r"/livereload", ReloadSocket, {"live": live}),
                (r"/livereload\.js", LiveReloadJSHandler),
                (r"/.*", SiteHandler, {"live": live, "root": self.output_dir, "port": self._port}),
            ],
            debug=False,  # debug would restart the whole process whenever a .py file changes
            log_function=_no_access_log,
        )

    def _run_loop(self) -> None:
        try:
            asyncio.run(self._serve_until_quit())
        finally:
            self._loop_ready.set()  # unblock start() if serving failed before it was ready
            self._loop_done.set()

    async def _serve_until_quit(self) -> None:
        assert self._live is not None
        quit_event = asyncio.Event()
        http = HTTPServer(self._application(self._live))
        http.add_sockets(self._sockets)
        self._quit = quit_event.set
        self._loop = IOLoop.current()
        self._loop_ready.set()
        await quit_event.wait()
        http.stop()
        self._live.close_all()
        # A stuck client must not keep the server from stopping.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(http.close_all_connections(), 2)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve(
    site_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_url: str | None = None,
    open_browser: bool = False,
) -> int:
    """Preview the site in ``site_dir`` until Ctrl-C. Returns the exit code."""
    server = DevServer(SiteBuild(site_dir, base_url), host=host, port=port, display_root=site_dir)
    # SIGTERM (an IDE's stop button, `timeout`) stops as cleanly as Ctrl-C: without this the
    # process dies on the spot and leaves its temp folder behind. Restored on the way out.
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        url = server.start()
        if open_browser:
            # Some browsers block the caller until they exit; the server must not wait on them.
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        server.wait()
    except ServeError as exc:
        _shout(f"error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("\nStopped.")
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_OK
