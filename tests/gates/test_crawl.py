"""Gate: links. The built site, served under /repo/, is crawled from its home page: no link
answers 4xx/5xx, none leaves /repo/, every #fragment exists, every page can be reached.
`site-builder check` (when this version has it) must pass on the same site."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .crawler import crawl
from .support import BASE_URL, REPO, html_pages, page_url, serve


def test_crawl_from_the_home_page_finds_no_broken_link_and_reaches_every_page(
    bundled_site,
) -> None:
    result = crawl(bundled_site.url, published=BASE_URL)
    assert result.statuses[bundled_site.url] == 200
    assert [str(p) for p in result.problems] == []
    reached = {url for url, status in result.statuses.items() if status == 200}
    pages = [p for p in html_pages(bundled_site.output) if p.name != "404.html"]
    unreachable = [
        str(p.relative_to(bundled_site.output))
        for p in pages
        if page_url(bundled_site.output, p, bundled_site.url) not in reached
    ]
    assert unreachable == [], "pages no link leads to"
    assert len(reached) >= len(pages)


def test_robots_and_sitemap_lead_only_to_real_pages(bundled_site) -> None:
    starts = tuple(
        bundled_site.url + name
        for name in ("robots.txt", "sitemap.xml")
        if (bundled_site.output / name).is_file()
    )
    # The bundled site is built with a base_url, so both must be there: a missing one fails.
    assert len(starts) == 2, "the build wrote no robots.txt or sitemap.xml"
    result = crawl(bundled_site.url, starts=starts, published=BASE_URL)
    assert all(result.statuses[s] == 200 for s in starts)
    assert [str(p) for p in result.problems] == []


def test_the_404_page_works_at_any_depth(bundled_site) -> None:
    """GitHub Pages serves 404.html for every unknown address: its links must not be
    relative, or they break one folder down."""
    start = bundled_site.url + "no/such/page/"
    result = crawl(bundled_site.url, starts=(start,), published=BASE_URL)
    assert result.statuses[start] == 404
    assert [str(p) for p in result.problems] == []
    assert bundled_site.url in result.statuses  # it links home


def test_site_builder_check_passes(bundled_site) -> None:
    """The project's own checker agrees ."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-m", "site_builder", "--site", str(bundled_site.site)]
    usage = subprocess.run(
        [*cli, "check", "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert usage.returncode == 0, usage.stderr  # `check` is a command of site-builder
    args = ["check", "--output", str(bundled_site.output), "--base-url", BASE_URL]
    run = subprocess.run([*cli, *args], capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_crawler_finds_each_kind_of_broken_link(tmp_path: Path) -> None:
    """The gate can fail: each planted fault is reported, and only those."""
    site = tmp_path / "site"
    (site / "ok").mkdir(parents=True)
    (site / "orphan").mkdir()
    (site / "index.html").write_text(
        '<!doctype html><title>x</title><link rel="stylesheet" href="/repo/style.css">'
        '<a href="ok/">fine</a> <a href="ok/#here">fine</a> <a href="missing/">gone</a>'
        ' <a href="/other/">outside</a> <a href="javascript:alert(1)">js</a>'
        ' <a href="ok/#nowhere">no id</a> <a href="https://user.github.io/">published root</a>'
        ' <a href="https://user.github.io/repo/ok/">published ok</a>'
        ' <a href="https://example.org/">elsewhere</a>',
        encoding="utf-8",
    )
    (site / "style.css").write_text("body { background: url(missing.png) }", encoding="utf-8")
    (site / "ok" / "index.html").write_text('<p id="here">ok</p>', encoding="utf-8")
    (site / "orphan" / "index.html").write_text("<p>nobody links here</p>", encoding="utf-8")
    with serve(site) as url:
        result = crawl(url, published=BASE_URL)
    found = sorted((p.url, p.why) for p in result.problems)
    assert found == sorted(
        [
            ("/other/", "outside /repo/"),
            ("https://user.github.io/", "outside /repo/"),
            ("javascript:alert(1)", "script URL"),
            (url + "missing.png", "HTTP 404"),
            (url + "missing/", "HTTP 404"),
            (url + "ok/#nowhere", "no such id"),
        ]
    )
    assert url + "orphan/" not in result.statuses
