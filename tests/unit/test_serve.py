"""The dev server: pure helpers, then a real server on 127.0.0.1 with a fake site, then the real
build end to end. Every wait is bounded; servers run in-process on free ports."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from tornado.websocket import websocket_connect

from site_builder.build import build
from site_builder.config import load_config
from site_builder.errors import ContentError, ErrorList, SiteError, Warn
from site_builder.serve import (
    LIVERELOAD_PROTOCOL,
    ChangeFilter,
    DevServer,
    FileHit,
    Missing,
    Plan,
    Redirect,
    ServeError,
    SiteBuild,
    bind_free_port,
    client_snippet,
    error_banner,
    error_lines,
    find_free_port,
    inject_banner,
    inject_script,
    resolve_request,
    watch_targets,
)

REPO = Path(__file__).resolve().parents[2]
SNIPPET = b"<script src=/livereload.js></script>"


# --- script and banner injection ------------------------------------------------------------


def test_script_goes_before_lowercase_head() -> None:
    page = b"<html><head><title>t</title></head><body>x</body></html>"
    assert inject_script(page, SNIPPET) == (
        b"<html><head><title>t</title>" + SNIPPET + b"</head><body>x</body></html>"
    )


def test_script_goes_before_uppercase_head() -> None:
    page = b"<HTML><HEAD><TITLE>t</TITLE></HEAD><BODY>x</BODY></HTML>"
    out = inject_script(page, SNIPPET)
    assert out == b"<HTML><HEAD><TITLE>t</TITLE>" + SNIPPET + b"</HEAD><BODY>x</BODY></HTML>"


def test_script_goes_before_head_with_space_and_only_once() -> None:
    page = b"<head></Head >\n<p>a literal </head> later</p>"
    assert (
        inject_script(page, SNIPPET)
        == b"<head>" + SNIPPET + b"</Head >\n<p>a literal </head> later</p>"
    )


def test_script_without_head_goes_before_the_last_body_end() -> None:
    page = b"<p>hi</p><!-- </body> --></BODY></html>"
    assert (
        inject_script(page, SNIPPET) == b"<p>hi</p><!-- </body> -->" + SNIPPET + b"</BODY></html>"
    )


def test_script_without_head_or_body_is_appended() -> None:
    assert inject_script(b"<p>just a fragment</p>", SNIPPET) == b"<p>just a fragment</p>" + SNIPPET


def test_banner_goes_just_inside_body() -> None:
    page = b'<html><head></head><BODY class="x">text</BODY></html>'
    assert inject_banner(page, b"<div>B</div>") == (
        b'<html><head></head><BODY class="x"><div>B</div>text</BODY></html>'
    )
    assert inject_banner(b"<p>no body</p>", b"<div>B</div>") == b"<p>no body</p><div>B</div>"


def test_error_banner_escapes_html() -> None:
    errors = ['content/papers/a.md:2: title <script>alert("x")</script> & more']
    banner = error_banner(errors, has_build=True).decode()
    assert "<script>alert" not in banner
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in banner
    assert "content/papers/a.md:2:" in banner
    assert "1 error)" in banner and "last good build" in banner
    assert "nothing has been built yet" in error_banner(errors * 2, has_build=False).decode()


def test_client_snippet_carries_port_and_build_number() -> None:
    assert client_snippet(8001, 7) == (
        b'<script src="/livereload.js?port=8001&amp;snipver=7"></script>'
    )


def test_error_lines_lists_each_collected_error() -> None:
    one = ContentError("bad date", "content/papers/a.md", 3)
    two = ContentError("no title", "content/papers/b.md", 1)
    assert error_lines(ErrorList([one, two])) == (
        "content/papers/a.md:3: bad date",
        "content/papers/b.md:1: no title",
    )
    assert error_lines(one) == ("content/papers/a.md:3: bad date",)
    assert error_lines(KeyError("x")) == ("internal error: KeyError: 'x'",)


# --- request paths ----------------------------------------------------------------------------


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for rel in ("index.html", "papers/x/index.html", "feed.xml", "evil.example/index.html"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    (root / "papers/empty").mkdir()
    (tmp_path / "secret").write_text("outside the site")
    return root


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", Redirect("/repo/")),
        ("/repo", Redirect("/repo/")),
        ("/repo/", "index.html"),
        ("/repo/papers/x", Redirect("/repo/papers/x/")),
        ("/repo/papers/x/", "papers/x/index.html"),
        ("/repo/papers/%78/", "papers/x/index.html"),
        ("/repo/feed.xml", "feed.xml"),
        ("/repo/papers/empty/", Missing()),
        ("/repo/papers/nope/", Missing()),
        ("/papers/x/", Missing()),  # outside the base path, as on GitHub Pages
        ("/repo/../secret", Missing()),
        ("/repo/%2e%2e/secret", Missing()),
        ("/repo//etc/passwd", Missing()),
    ],
)
def test_resolve_request_under_a_base_path(built: Path, path: str, expected: object) -> None:
    if isinstance(expected, str):
        expected = FileHit(built / expected)
    assert resolve_request(path, "/repo/", built) == expected


def test_resolve_request_at_root_never_echoes_the_path(built: Path) -> None:
    assert resolve_request("/", "/", built) == FileHit(built / "index.html")
    # '//evil.example' echoed back would be a protocol-relative redirect to another host.
    assert resolve_request("//evil.example", "/", built) == Redirect("/evil.example/")


# --- ports ------------------------------------------------------------------------------------


@contextmanager
def busy_port() -> Iterator[int]:
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        yield holder.getsockname()[1]
    finally:
        holder.close()


def test_busy_port_moves_to_the_next_free_one_and_says_so() -> None:
    said: list[str] = []
    with busy_port() as busy:
        sockets, port = bind_free_port("127.0.0.1", busy, said.append)
        try:
            assert port > busy
            assert said[0] == f"port {busy} is in use; trying {busy + 1}"
            assert len(said) == port - busy
        finally:
            for sock in sockets:
                sock.close()


def test_find_free_port_returns_a_port_that_can_be_bound() -> None:
    with busy_port() as busy:
        port = find_free_port("127.0.0.1", busy, say=lambda _: None)
    assert port > busy
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_address_that_cannot_be_bound_is_a_clear_error() -> None:
    with pytest.raises(ServeError, match=r"cannot listen on 192\.0\.2\.1:0"):
        bind_free_port("192.0.2.1", 0)  # TEST-NET-1: never one of ours, needs no DNS


# --- watching ---------------------------------------------------------------------------------


def test_filter_takes_inputs_but_not_editor_files_output_or_cache(tmp_path: Path) -> None:
    content, config = tmp_path / "content", tmp_path / "site.yaml"
    output, cache = tmp_path / "output", tmp_path / ".site-builder-cache"
    accept = ChangeFilter((content, config, tmp_path / "templates"), (output, cache))
    assert accept.wanted(content / "papers" / "a.md")
    assert accept.wanted(config)  # a single file, even before it exists
    assert accept.wanted(tmp_path / "templates")  # an input folder that appears
    for junk in (".a.md.swp", "a.md~", "4913", "#a.md#", ".#a.md", ".git/index"):
        assert not accept.wanted(content / "papers" / junk), junk
    assert not accept.wanted(tmp_path / "notes.txt")  # not an input
    assert not accept.wanted(output / "index.html")
    assert not accept.wanted(cache / "v1" / "state.pickle")
    # Even when output/ sits inside a watched folder.
    inner = ChangeFilter((tmp_path,), (output,))
    assert inner.wanted(tmp_path / "site.yaml") and not inner.wanted(output / "x.html")


def test_files_are_watched_through_their_folder(tmp_path: Path) -> None:
    """An atomic save replaces the file: a watch on the file itself would die with it."""
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yaml").write_text("title: x\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    targets = watch_targets(
        [
            tmp_path / "content",
            tmp_path / "site.yaml",
            elsewhere / "topics.yaml",
            tmp_path / "missing" / "deeper",
        ]
    )
    assert targets.deep == (tmp_path / "content",)
    assert targets.shallow == (tmp_path, elsewhere)


# --- a real server around a fake site ---------------------------------------------------------


@dataclass(frozen=True)
class FakeReport:
    pages: int
    warnings: tuple[Warn, ...] = ()
    pending: tuple[str, ...] = ()
    taxonomy_fit: float = 1.0
    papers: int = 20


@dataclass
class FakeSite:
    """Builds a three-page site whose paper page shows the text of ``watched/x.txt``."""

    watched: Path
    base_path: str = "/repo/"
    fail: SiteError | None = None  # raised by the build
    config_fail: SiteError | None = None  # raised while planning, like a bad site.yaml
    builds: int = 0
    origins: list[str] = field(default_factory=list)
    fit: float = 1.0  # the share of papers the taxonomy fits

    @property
    def fallback_watch(self) -> tuple[Path, ...]:
        return (self.watched,)

    def plan(self, origin: str, output_dir: Path) -> Plan:
        self.origins.append(origin)
        if self.config_fail is not None:
            raise self.config_fail
        return Plan(self.base_path, (self.watched,), lambda defer, _p, _open: self._run(output_dir))

    def _run(self, output_dir: Path) -> FakeReport:
        self.builds += 1
        if self.fail is not None:
            raise self.fail
        text = (self.watched / "x.txt").read_text()
        pages = {
            "index.html": "<!doctype html><html><head><title>Home</title></head><body>home</body>",
            "papers/x/index.html": f"<html><HEAD></HEAD><body><p>{text}</p></body></html>",
            "404.html": "<html><head></head><body>Our own 404 page</body></html>",
            "static/style.css": "body { color: red }",
        }
        # Build aside, then swap, like the real build.
        staging = output_dir.with_name("staging")
        for rel, content in pages.items():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_text(content)
        old = output_dir.with_name("old")
        if output_dir.exists():
            output_dir.rename(old)
        staging.rename(output_dir)
        shutil.rmtree(old, ignore_errors=True)
        return FakeReport(pages=len(pages), taxonomy_fit=self.fit)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


def fetch(url: str, method: str = "GET") -> Response:
    """One request, redirects not followed."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def shows(url: str, text: str, *, banner: bool) -> bool:
    """Whether the page has ``text`` and the error banner or not. The new page is on disk a moment
    before the server drops the banner (and only then reloads browsers), so tests wait for both."""
    body = fetch(url).text
    return text in body and ("site-builder-errors" in body) == banner


@pytest.fixture
def fake(tmp_path: Path) -> FakeSite:
    watched = tmp_path / "src"
    watched.mkdir()
    (watched / "x.txt").write_text("first text")
    return FakeSite(watched)


@contextmanager
def running(site: object, port: int = 0, **kwargs: object) -> Iterator[tuple[DevServer, list[str]]]:
    said: list[str] = []
    options: dict[str, object] = {"debounce": 0.05, **kwargs}
    server = DevServer(
        site,  # type: ignore[arg-type]
        port=port,
        say=said.append,
        shout=said.append,
        **options,  # type: ignore[arg-type]
    )
    server.start()
    try:
        yield server, said
    finally:
        server.stop()


def test_serves_the_site_under_its_base_path(fake: FakeSite) -> None:
    with running(fake) as (server, said):
        origin = f"http://127.0.0.1:{server.port}"
        assert server.url == origin + "/repo/"
        assert said[-1] == f"Serving {origin}/repo/ (Ctrl-C to stop)"
        assert fake.origins == [origin]  # the build was told the preview's own URL

        root = fetch(origin + "/")
        assert (root.status, root.headers["Location"]) == (302, "/repo/")
        bare = fetch(origin + "/repo/papers/x?q=1")
        assert (bare.status, bare.headers["Location"]) == (302, "/repo/papers/x/?q=1")

        page = fetch(origin + "/repo/papers/x/")
        assert page.status == 200
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.headers["Cache-Control"] == "no-store"
        assert "<p>first text</p>" in page.text
        assert '<script src="/livereload.js?port=' in page.text
        assert page.text.index("livereload.js") < page.text.index("</HEAD>")
        assert "site-builder-errors" not in page.text

        head = fetch(origin + "/repo/papers/x/", method="HEAD")
        assert (head.status, head.body) == (200, b"")
        assert int(head.headers["Content-Length"]) == len(page.body)

        css = fetch(origin + "/repo/static/style.css")
        assert (css.status, css.body) == (200, b"body { color: red }")
        assert css.headers["Content-Type"].startswith("text/css")

        for missing in ("/repo/papers/nope/", "/papers/x/", "/favicon.ico"):
            lost = fetch(origin + missing)
            assert lost.status == 404, missing
            assert "Our own 404 page" in lost.text
            assert "livereload.js" in lost.text

        client = fetch(origin + "/livereload.js")
        assert client.status == 200 and b"LiveReload" in client.body


def test_a_taxonomy_that_fits_few_papers_is_noted_once(fake: FakeSite) -> None:
    fake.fit = 0.5
    with running(fake) as (server, said):
        notes = [line for line in said if line.startswith("note: ")]
        assert notes == [
            "note: the topic taxonomy fits only 50% of the papers (the rest got no topic); it was"
            " likely made for another field. Draft one from your papers with `site-builder topics"
            " suggest --output draft.yaml`, then set `topics_file: draft.yaml` in site.yaml"
            " (docs/topics.md)"
        ]
        (fake.watched / "x.txt").write_text("second text")
        wait_for(lambda: "second text" in fetch(server.url + "papers/x/").text, "the rebuild")
        assert [line for line in said if line.startswith("note: ")] == notes  # not again


def test_the_poor_fit_note_waits_for_the_first_build_that_works(fake: FakeSite) -> None:
    fake.fit = 0.5
    fake.fail = ErrorList([ContentError("date is not a date", "content/papers/b.md", 3)])
    with running(fake) as (server, said):
        assert not [line for line in said if line.startswith("note: ")]
        fake.fail = None
        (fake.watched / "x.txt").write_text("fixed text")
        wait_for(lambda: "fixed text" in fetch(server.url + "papers/x/").text, "the fixed build")
        wait_for(lambda: any(line.startswith("note: ") for line in said), "the note")


def test_busy_port_serves_on_the_next_and_prints_the_url_used(fake: FakeSite) -> None:
    with busy_port() as busy, running(fake, port=busy) as (server, said):
        assert said[0] == f"port {busy} is in use; trying {busy + 1}"
        assert server.port > busy
        assert said[-1] == f"Serving http://127.0.0.1:{server.port}/repo/ (Ctrl-C to stop)"
        assert fetch(server.url).status == 200


def test_rebuilds_on_change_and_shows_errors_over_the_last_good_build(fake: FakeSite) -> None:
    with running(fake) as (server, said):
        page_url = server.url + "papers/x/"
        (fake.watched / "x.txt").write_text("second text")
        wait_for(lambda: "second text" in fetch(page_url).text, "the rebuilt page")
        # The page changes at the swap, a moment before the build's line is printed.
        wait_for(lambda: said[-1].startswith("Rebuilt 4 pages in "), "the rebuild line")
        assert said[-1].endswith("x.txt changed)")

        fake.fail = ErrorList(
            [
                ContentError("title must be text, got <b>a list</b>", "content/papers/a.md", 2),
                ContentError("date is not a date", "content/papers/b.md", 3),
            ]
        )
        (fake.watched / "x.txt").write_text("broken text")
        wait_for(lambda: "site-builder-errors" in fetch(page_url).text, "the error banner")
        page = fetch(page_url)
        assert page.status == 200
        assert "second text" in page.text  # the last good build, underneath
        assert (
            "content/papers/a.md:2: title must be text, got &lt;b&gt;a list&lt;/b&gt;" in page.text
        )
        assert "content/papers/b.md:3: date is not a date" in page.text
        assert "<b>a list</b>" not in page.text
        assert "site-builder-errors" in fetch(server.url + "nope/").text  # on 404 pages too
        assert "site-builder-errors" not in fetch(server.url + "static/style.css").text
        printed = "\n".join(said).splitlines()  # the terminal gets plain path:line: lines
        assert "content/papers/a.md:2: title must be text, got <b>a list</b>" in printed
        assert "content/papers/b.md:3: date is not a date" in printed
        assert printed[-1] == "The errors are shown in the browser; serving the last good build."

        fake.fail = None
        (fake.watched / "x.txt").write_text("fixed text")
        wait_for(lambda: shows(page_url, "fixed text", banner=False), "the fixed page")


def test_first_build_failure_still_serves_the_errors_and_recovers(fake: FakeSite) -> None:
    fake.config_fail = SiteError("theme 'nope' not found", "site.yaml", 4)
    with running(fake) as (server, said):
        assert "site.yaml:4: theme 'nope' not found" in said
        assert said[-1].startswith("Serving http://127.0.0.1:")
        page = fetch(server.url)
        assert page.status == 500
        assert "site.yaml:4: theme &#x27;nope&#x27; not found" in page.text
        assert "nothing has been built yet" in page.text
        assert "livereload.js" in page.text  # so the fix shows up by itself

        fake.config_fail = None
        (fake.watched / "x.txt").write_text("now it builds")
        # Without a config the base path was unknown, so '/'; now it is the site's own.
        wait_for(lambda: server.url.endswith("/repo/"), "the base path from the config")
        assert said[-2] == f"The base path is now /repo/: {server.url}"
        paper_url = server.url + "papers/x/"
        wait_for(lambda: shows(paper_url, "now it builds", banner=False), "the first good build")
        assert fetch(paper_url).status == 200
        assert fetch(server.url.replace("/repo/", "/")).headers["Location"] == "/repo/"


def test_a_burst_of_changes_is_one_rebuild(fake: FakeSite) -> None:
    with running(fake, debounce=0.3) as (_server, said):
        assert fake.builds == 1
        for i in range(5):  # an editor save: several writes in quick succession
            (fake.watched / f"part{i}.txt").write_text(str(i))
            time.sleep(0.02)
        wait_for(lambda: fake.builds == 2, "the rebuild")
        time.sleep(0.6)
        assert fake.builds == 2
        wait_for(lambda: said[-1].endswith("part0.txt and 4 more changed)"), "the rebuild line")


def test_stop_removes_the_temp_folder(fake: FakeSite) -> None:
    with running(fake) as (server, _said):
        temp = server.output_dir.parent
        assert (server.output_dir / "index.html").is_file()
    assert not temp.exists()
    with pytest.raises(OSError):
        fetch(server.url)


# --- the reload websocket ---------------------------------------------------------------------


def served_build(url: str) -> int:
    match = re.search(r"snipver=(\d+)", fetch(url).text)
    assert match, "page has no livereload snippet"
    return int(match.group(1))


async def talk(port: int, snipver: int, then: Callable[[], None] | None = None) -> list[dict]:
    """Connect like livereload.js, say hello, run ``then``; return what the server sent."""
    conn = await asyncio.wait_for(websocket_connect(f"ws://127.0.0.1:{port}/livereload"), 5)
    try:
        hello = {"command": "hello", "protocols": [LIVERELOAD_PROTOCOL], "snipver": snipver}
        await conn.write_message(json.dumps(hello))
        got = [json.loads(await asyncio.wait_for(conn.read_message(), 5))]
        if then is not None:
            then()
        with suppress(TimeoutError):  # nothing more to say is a valid answer too
            got.append(json.loads(await asyncio.wait_for(conn.read_message(), 5)))
        return got
    finally:
        conn.close()


@dataclass
class WatchingSite(FakeSite):
    """Records the pages each build was told a browser shows."""

    told: list[frozenset[str]] = field(default_factory=list)

    def plan(self, origin: str, output_dir: Path) -> Plan:
        def run(defer: bool, _p: object, open_pages: frozenset[str]) -> FakeReport:
            self.told.append(open_pages)
            return self._run(output_dir)

        return Plan(self.base_path, (self.watched,), run)


def test_a_rebuild_is_told_the_pages_browsers_show(fake: FakeSite) -> None:
    """The pages served last, and the page each connected livereload.js says it shows (its
    'info' message), are what a long rebuild renders first; a stylesheet or a 404 is not."""
    site = WatchingSite(fake.watched)
    with running(site) as (server, _said):
        assert fetch(server.url + "papers/x/").status == 200
        fetch(server.url + "static/style.css")
        assert fetch(server.url + "no/such/page/").status == 404

        async def show_home_then_edit() -> None:
            conn = await asyncio.wait_for(
                websocket_connect(f"ws://127.0.0.1:{server.port}/livereload"), 5
            )
            try:
                hello = {"command": "hello", "protocols": [LIVERELOAD_PROTOCOL]}
                await conn.write_message(json.dumps(hello))
                await asyncio.wait_for(conn.read_message(), 5)
                info = {"command": "info", "plugins": {}, "url": server.url + "?q=1"}
                await conn.write_message(json.dumps(info))
                await asyncio.sleep(0.2)
                (site.watched / "x.txt").write_text("edited")
                await asyncio.wait_for(conn.read_message(), 5)  # the reload
            finally:
                conn.close()

        asyncio.run(show_home_then_edit())
        assert site.told[-1] == {"papers/x/index.html", "index.html"}


def test_a_page_from_an_older_build_is_reloaded_on_connect(fake: FakeSite) -> None:
    with running(fake) as (server, _said):
        current = served_build(server.url)
        got = asyncio.run(talk(server.port, current - 1))
        assert got[0]["command"] == "hello"
        assert LIVERELOAD_PROTOCOL in got[0]["protocols"]
        assert got[1] == {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}


def test_every_rebuild_reloads_connected_pages(fake: FakeSite) -> None:
    def edit() -> None:
        (fake.watched / "x.txt").write_text("edited")

    with running(fake) as (server, _said):
        current = served_build(server.url)
        got = asyncio.run(talk(server.port, current, then=edit))
        assert [m["command"] for m in got] == ["hello", "reload"]
        assert served_build(server.url) == current + 1


def test_reloads_again_right_after_a_reload(fake: FakeSite) -> None:
    """livereload drops changes within 3 s of a reload (DEFAULT_RELOAD_TIME); we don't."""

    def edit(text: str) -> Callable[[], None]:
        return lambda: (fake.watched / "x.txt").write_text(text)

    with running(fake) as (server, _said):
        started = time.monotonic()
        first = asyncio.run(talk(server.port, served_build(server.url), then=edit("one")))
        second = asyncio.run(talk(server.port, served_build(server.url), then=edit("two")))
        assert first[-1]["command"] == second[-1]["command"] == "reload"
        assert time.monotonic() - started < 3
        assert "two" in fetch(server.url + "papers/x/").text


# --- the real build, end to end ---------------------------------------------------------------


PAPER = "---\ntitle: A paper\ndate: 2026-03-11\n---\nAbstract text.\n"


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "content" / "papers").mkdir(parents=True)
    (site / "content" / "papers" / "a.md").write_text(PAPER)
    (site / "site.yaml").write_text("title: Tiny\nbase_url: https://user.github.io/repo/\n")
    return site


def test_end_to_end_with_the_real_build(tiny_site: Path) -> None:
    paper = tiny_site / "content" / "papers" / "a.md"
    with running(SiteBuild(tiny_site), display_root=tiny_site) as (server, said):
        assert server.url == f"http://127.0.0.1:{server.port}/repo/"
        page_url = server.url + "papers/a/"
        page = fetch(page_url)
        assert page.status == 200
        assert "Abstract text." in page.text
        assert "/livereload.js?port=" in page.text
        assert "user.github.io" not in page.text  # absolute URLs point at the preview
        assert fetch(server.url + "no/such/page/").status == 404

        paper.write_text(PAPER.replace("Abstract text.", "Changed abstract."))
        wait_for(lambda: "Changed abstract." in fetch(page_url).text, "the edited abstract")
        wait_for(
            lambda: any("(content/papers/a.md changed)" in line for line in said),
            "the rebuild line",
        )

        paper.write_text("---\ntitle: [A paper\ndate: 2026-03-11\n---\nBroken.\n")
        wait_for(lambda: "site-builder-errors" in fetch(page_url).text, "the error banner")
        page = fetch(page_url)
        banner = page.text[page.text.index("site-builder-errors") :]
        assert "a.md" in banner[: banner.index("</div>")]
        assert "Changed abstract." in page.text  # the last good build is still served
        printed = "\n".join(said).splitlines()
        assert any(re.match(r"content/papers/a\.md:\d+: ", line) for line in printed)

        paper.write_text(PAPER.replace("Abstract text.", "Fixed abstract."))
        wait_for(lambda: shows(page_url, "Fixed abstract.", banner=False), "the fixed page")
    assert not (tiny_site / "output").exists()  # never the user's output/


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_stops_cleanly_and_removes_the_temp_folder(tiny_site: Path, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = find_free_port("127.0.0.1", 0)
    script = "import sys; from pathlib import Path; from site_builder.serve import serve; "
    script += "sys.exit(serve(Path(sys.argv[1]), port=int(sys.argv[2])))"
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tiny_site), str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert proc.stdout is not None
        # Lines are read on a thread: select() on a buffered pipe misses lines that arrived
        # in the same chunk as the one just read.
        lines: queue.Queue[str] = queue.Queue()
        stdout = proc.stdout
        threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
        out = ""
        deadline = time.monotonic() + 30
        while "Serving" not in out:
            assert time.monotonic() < deadline, f"server did not start: {out!r}"
            with suppress(queue.Empty):
                out += lines.get(timeout=1)
            assert proc.poll() is None, f"server exited: {out!r}"
        assert f"Serving http://127.0.0.1:{port}/repo/ (Ctrl-C to stop)" in out
        assert len(list(temp.iterdir())) == 1
        assert fetch(f"http://127.0.0.1:{port}/repo/papers/a/").status == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
        assert proc.stderr is not None
        assert "Traceback" not in proc.stderr.read()
        assert list(temp.iterdir()) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="needs Chromium")
def _eventually(page: Any, condition: str, seconds: float = 20.0) -> bool:
    """Poll a condition in the page, riding out reloads (a navigation destroys the context
    an evaluate runs in). Bounded in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if page.evaluate(condition):
                return True
        except Exception:  # the page is reloading: ask the next one
            pass
        time.sleep(0.1)
    return False


def test_browser_reloads_by_itself(tiny_site: Path) -> None:
    """The livereload.js client, in a real browser, reloads on edits and shows the banner."""
    sync_api = pytest.importorskip("playwright.sync_api")
    paper = tiny_site / "content" / "papers" / "a.md"
    with running(SiteBuild(tiny_site)) as (server, _said), sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium())
        try:
            page = browser.new_page()
            page.goto(server.url + "papers/a/")
            page.wait_for_function("window.LiveReload !== undefined", timeout=10_000)
            page.evaluate("window.notReloaded = true")
            paper.write_text(PAPER.replace("Abstract text.", "Seen without a click."))
            # The edit reloads the page; the follow-up build (related papers) reloads it once
            # more when it is done. Settled: the new text, and no "still updating" note.
            settled = (
                "document.body.innerText.includes('Seen without a click.')"
                " && !document.getElementById('site-builder-pending')"
            )
            assert _eventually(page, settled), "the edit never showed, settled, in the page"
            assert _eventually(page, "window.notReloaded === undefined")
            paper.write_text("---\ntitle: [A paper\n---\n")
            page.wait_for_selector("#site-builder-errors", timeout=10_000)
            assert "a.md" in page.inner_text("#site-builder-errors")
        finally:
            browser.close()


# --- deferred whole-collection work and its follow-up build -----------------------------------


@dataclass
class DeferringSite(FakeSite):
    """Like the real Builder with defer_global: a rebuild leaves "related papers" pending, and the
    follow-up build (defer=False) waits for ``gate``, checking ``progress`` as it goes."""

    gate: threading.Event = field(default_factory=threading.Event)
    follow_ups: int = 0  # follow-up builds that ran to the end
    started_follow_ups: int = 0

    def plan(self, origin: str, output_dir: Path) -> Plan:
        def run(
            defer: bool, progress: Callable[[int, int], None] | None, _open: frozenset[str]
        ) -> FakeReport:
            if defer:
                return replace(self._run(output_dir), pending=("related papers",))
            if self.builds:  # the first build is a normal one, never gated
                self.started_follow_ups += 1
                while not self.gate.wait(0.01):
                    assert progress is not None
                    progress(0, 1)  # raises once a new change is waiting
                self.follow_ups += 1
            return self._run(output_dir)

        return Plan(self.base_path, (self.watched,), run)


def test_pending_work_is_shown_then_converges(fake: FakeSite) -> None:
    site = DeferringSite(fake.watched)
    with running(site) as (server, said):
        page_url = server.url + "papers/x/"
        assert "site-builder-pending" not in fetch(page_url).text  # the first build is whole
        (site.watched / "x.txt").write_text("edited")
        wait_for(lambda: "site-builder-pending" in fetch(page_url).text, "the pending note")
        page = fetch(page_url).text
        assert "edited" in page  # the edit is served before the background work is done
        assert "Still updating related papers in the background" in page
        assert any(line.endswith("updating related papers in the background") for line in said)
        site.gate.set()
        wait_for(lambda: shows(page_url, "edited", banner=False), "the converged page")
        wait_for(lambda: "site-builder-pending" not in fetch(page_url).text, "no pending note")
        wait_for(lambda: said[-1].startswith("Updated related papers in "), "the done line")
        assert site.follow_ups == 1


def test_a_new_edit_supersedes_the_follow_up(fake: FakeSite) -> None:
    site = DeferringSite(fake.watched)
    with running(site) as (server, said):
        page_url = server.url + "papers/x/"
        (site.watched / "x.txt").write_text("one")
        wait_for(lambda: site.started_follow_ups == 1, "the follow-up to start")
        (site.watched / "x.txt").write_text("two")
        # The blocked follow-up is dropped; the new edit is built and served at once.
        wait_for(lambda: "two" in fetch(page_url).text, "the second edit")
        assert site.follow_ups == 0
        wait_for(lambda: site.started_follow_ups == 2, "a new follow-up")
        site.gate.set()
        wait_for(lambda: site.follow_ups == 1, "the follow-up to finish")
        wait_for(lambda: said[-1].startswith("Updated related papers in "), "the done line")
        assert sum(line.startswith("Updated ") for line in said) == 1


def test_a_site_title_edit_shows_on_the_open_page_first(
    tiny_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild that renders every page (here any rebuild: the threshold is patched to 0)
    renders the page the browser shows first; the follow-up brings every other page."""
    monkeypatch.setattr("site_builder.build.OPEN_FIRST_FROM", 0)
    papers = tiny_site / "content" / "papers"
    (papers / "b.md").write_text(PAPER.replace("A paper", "B paper"))
    with running(SiteBuild(tiny_site), display_root=tiny_site) as (server, said):
        page = server.url + "papers/a/"
        assert "Renamed" not in fetch(page).text
        yaml = tiny_site / "site.yaml"
        yaml.write_text(yaml.read_text().replace("title: Tiny", "title: Renamed"))
        wait_for(lambda: "Renamed" in fetch(page).text, "the open page")
        first = next(line for line in said if "(site.yaml changed)" in line)
        assert " other pages" in first and first.endswith(" in the background")
        wait_for(lambda: "Renamed" in fetch(server.url + "papers/b/").text, "the follow-up")
        wait_for(lambda: said[-1].startswith("Updated ") and "other pages" in said[-1],
                 "the follow-up's message")  # fmt: skip


def test_follow_up_output_is_byte_identical_to_a_cold_build(tmp_path: Path) -> None:
    site = tmp_path / "site"
    papers = site / "content" / "papers"
    papers.mkdir(parents=True)
    texts = {
        "a": "Diffusion policies for robot manipulation learn actions.",
        "b": "Robot manipulation with learned diffusion models of actions.",
        "c": "Language models answer questions about tables.",
        "d": "Question answering over tables with large language models.",
    }
    for slug, text in texts.items():
        (papers / f"{slug}.md").write_text(
            f"---\ntitle: Paper {slug}\ndate: 2026-03-1{len(slug)}\n---\n{text}\n"
        )
    (site / "site.yaml").write_text(
        "title: Tiny\nbase_url: https://user.github.io/repo/\nsearch: false\n"
    )
    with running(SiteBuild(site), display_root=site) as (server, said):
        # Swap what "a" is about: related papers of every paper change.
        (papers / "a.md").write_text(
            "---\ntitle: Paper a\ndate: 2026-03-11\n---\nTables and language models.\n"
        )
        wait_for(lambda: "Tables and language" in fetch(server.url + "papers/a/").text, "edit")
        # The edited page first (only it is rendered), the rest in the background.
        wait_for(
            lambda: any(
                "(content/papers/a.md changed); updating " in line
                and "related papers" in line
                and line.endswith(" in the background")
                for line in said
            ),
            "the quick rebuild",
        )
        quick = next(line for line in said if "(content/papers/a.md changed)" in line)
        assert quick.startswith("Rebuilt ")
        wait_for(lambda: said[-1].startswith("Updated ") and "related papers" in said[-1],
                 "the follow-up")  # fmt: skip
        origin = server.url.removesuffix("/repo/")
        cold_dir = tmp_path / "cold"
        config = load_config(site, {"base_url": origin + "/repo/", "output_dir": str(cold_dir)})
        build(config, use_cache=False)
        served = server.output_dir

        def files(root: Path) -> dict[str, bytes]:
            return {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*"))
                if p.is_file()
            }

        mine, cold = files(served), files(cold_dir)
        assert sorted(mine) == sorted(cold)
        assert [k for k in mine if mine[k] != cold[k]] == []
    assert not (site / ".site-builder-cache").exists()  # serve leaves build's cache alone
