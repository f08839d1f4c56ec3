"""check.py: small built sites with one kind of breakage each; every kind must be reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.check import check_site
from site_builder.cli import main

BASE = "/repo/"
URL = "https://u.github.io/repo/"


def page(body: str = "", head: str = "") -> str:
    head = f"<head><title>t</title>{head}</head>"
    return f'<!doctype html><html lang="en">{head}<body>{body}</body></html>'


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    """A built site: a home page linking nowhere, plus the given files."""
    out = tmp_path / "output"
    everything = {"index.html": page('<main id="main">home</main>'), **files}
    for rel, text in everything.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out


def problems(out: Path, base_path: str = BASE, base_url: str = URL) -> list[str]:
    return [str(p) for p in check_site(out, base_path, base_url).problems]


def test_a_sound_site_has_no_problems(tmp_path: Path) -> None:
    out = site(
        tmp_path,
        {
            "papers/x/index.html": page(
                '<h1 id="t">x</h1><a href="/repo/">home</a> <a href="/repo">home too</a>'
                ' <a href="../../topics/">topics</a> <a href="#t">top</a> <a href="#top">up</a>'
                ' <a href="/repo/topics/#music">music</a> <img src="/repo/static/a.png" alt="">'
                ' <img srcset="/repo/static/a.png 1x, /repo/static/a.png 2x" alt="A plot">'
                ' <a href="https://example.org/x">out</a> <a href="mailto:a@b.c">mail</a>'
                f' <a href="{URL}papers/x/#t">full URL of this site</a>',
                head='<link rel="stylesheet" href="/repo/static/s.1234.css">',
            ),
            "topics/index.html": page('<h2 id="music">Music</h2>'),
            "static/a.png": "png",
            "static/s.1234.css": "body{}",
            "404.html": page('<a href="/repo/">home</a>'),
        },
    )
    report = check_site(out, BASE, URL)
    assert report.problems == ()
    assert report.pages == 4
    assert report.links == 12  # the 10 above, the stylesheet and 404.html's link
    assert "no problems in 4 pages" in report.summary()


def test_broken_internal_link_and_missing_asset(tmp_path: Path) -> None:
    out = site(
        tmp_path,
        {
            "papers/x/index.html": page(
                '\n<a href="/repo/papers/gone/">gone</a>'
                '\n<script src="/repo/static/app.js"></script>'
            )
        },
    )
    assert problems(out) == [
        "papers/x/index.html:2: link /repo/papers/gone/ is broken: there is no "
        "papers/gone/index.html",
        "papers/x/index.html:3: script /repo/static/app.js is broken: there is no static/app.js",
    ]


def test_link_outside_the_base_path(tmp_path: Path) -> None:
    # The classic GitHub Pages mistake: a root-absolute link on a project site under /repo/.
    out = site(tmp_path, {"a/index.html": page('<a href="/papers/x/">x</a>')})
    assert problems(out) == [
        "a/index.html:1: link /papers/x/ is outside the site's base path /repo/"
    ]


def test_broken_image_in_srcset(tmp_path: Path) -> None:
    out = site(tmp_path, {"a.html": page('<img alt="p" srcset="/repo/one.png 1x, two.png 2x">')})
    found = problems(out)
    assert len(found) == 2
    assert "image /repo/one.png is broken" in found[0]
    assert "image two.png is broken" in found[1]


def test_relative_links_resolve_from_the_page_folder(tmp_path: Path) -> None:
    out = site(
        tmp_path,
        {
            "papers/x/index.html": page('<a href="../y/">y</a> <a href="../z/">z</a>'),
            "papers/y/index.html": page(),
        },
    )
    assert problems(out) == [
        "papers/x/index.html:1: link ../z/ is broken: there is no papers/z/index.html"
    ]


def test_missing_fragment_on_another_page_and_on_this_page(tmp_path: Path) -> None:
    out = site(
        tmp_path,
        {
            "a/index.html": page('<a href="/repo/b/#results">r</a><a href="#nope">n</a>'),
            "b/index.html": page('<h2 id="method">Method</h2>'),
        },
    )
    assert problems(out) == [
        "a/index.html:1: link /repo/b/#results: no id 'results' on b/index.html",
        "a/index.html:1: link #nope: no id 'nope' on this page",
    ]


def test_duplicate_ids(tmp_path: Path) -> None:
    out = site(tmp_path, {"a.html": page('<h2 id="x">1</h2>\n<h2 id="x">2</h2>\n<p id="y">')})
    assert problems(out) == ["a.html:2: id 'x' is used more than once on the page"]


def test_images_need_alt_attribute(tmp_path: Path) -> None:
    out = site(
        tmp_path,
        {
            "a.png": "png",
            "a.html": page('<img src="/repo/a.png">\n<img src="/repo/a.png" alt="">'),
        },
    )
    assert problems(out) == [
        "a.html:1: image '/repo/a.png' has no alt attribute (alt=\"\" marks a decorative one)"
    ]


def test_javascript_urls_are_reported(tmp_path: Path) -> None:
    out = site(tmp_path, {"a.html": page('<a href="javascript:alert(1)">x</a>')})
    assert problems(out) == ["a.html:1: link 'javascript:alert(1)' uses a javascript: URL"]


def test_relative_link_in_404_page(tmp_path: Path) -> None:
    # 404.html is served for /repo/any/depth/, where 'topics/' would point somewhere else.
    out = site(tmp_path, {"404.html": page('<a href="topics/">t</a>'), "topics/index.html": page()})
    assert problems(out) == [
        "404.html:1: link topics/ is relative, which breaks where 404.html is served"
    ]


def test_feeds_and_data_files_must_parse(tmp_path: Path) -> None:
    out = site(
        tmp_path,
        {
            "feed.xml": '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>',
            "topics/music/feed.xml": '<feed xmlns="http://www.w3.org/2005/Atom"/>',
            "topics/music/index.html": page(),
            "papers.json": '{"papers": [1, 2,]}',
        },
    )
    found = problems(out)
    assert len(found) == 2
    assert found[0].startswith("feed.xml:1: not well-formed XML")
    assert found[1].startswith("papers.json: not valid JSON")


def test_feed_root_and_feed_links(tmp_path: Path) -> None:
    atom = "http://www.w3.org/2005/Atom"
    out = site(
        tmp_path,
        {
            "feed.xml": f'<feed xmlns="{atom}"><link href="{URL}"/><entry>'
            f'<link href="{URL}papers/gone/"/><link href="https://github.com/x/y"/></entry></feed>',
            "topics/a/feed.xml": "<html/>",
            "topics/a/index.html": page(),
        },
    )
    assert problems(out) == [
        "feed.xml: feed link /repo/papers/gone/ is broken: there is no papers/gone/index.html",
        "topics/a/feed.xml: is not an Atom or RSS feed (its root element is html)",
    ]


def test_absent_feeds_sitemap_and_json_are_fine(tmp_path: Path) -> None:
    out = site(tmp_path, {"a.html": page()})
    report = check_site(out, BASE, URL)
    assert report.problems == () and report.files == 0


def sitemap(*urls: str) -> str:
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'


def test_sitemap_lists_every_page_but_404_and_noindex(tmp_path: Path) -> None:
    out = site(
        tmp_path,
        {
            "sitemap.xml": sitemap(URL, f"{URL}papers/x/", f"{URL}papers/gone/"),
            "papers/x/index.html": page(),
            "papers/y/index.html": page(),
            "saved/index.html": page(head='<meta name="robots" content="noindex">'),
            "404.html": page(),
        },
    )
    assert problems(out) == [
        "sitemap.xml: lists https://u.github.io/repo/papers/gone/: /repo/papers/gone/ is "
        "broken: there is no papers/gone/index.html",
        "papers/y/index.html: is not listed in sitemap.xml",
    ]


def test_sitemap_built_for_another_url(tmp_path: Path) -> None:
    out = site(tmp_path, {"sitemap.xml": sitemap("https://example.org/")})
    found = problems(out)
    assert found[0] == (
        "sitemap.xml: lists https://example.org/, which is not under the site URL " + URL
    )


def test_a_site_served_at_the_root(tmp_path: Path) -> None:
    out = site(tmp_path, {"a/index.html": page('<a href="/">h</a><a href="/b/">b</a>')})
    assert problems(out, "/", "") == [
        "a/index.html:1: link /b/ is broken: there is no b/index.html"
    ]


def test_cli_exit_codes_and_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "site.yaml").write_text(f"base_url: {URL}\n")
    out = site(tmp_path, {})
    assert main(["--site", str(tmp_path), "check"]) == 0
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith("no problems in 1 pages (0 internal links, 0 feed and data files)")
    )
    (out / "a.html").write_text(page('<a href="/repo/gone/">x</a>'))
    assert main(["--site", str(tmp_path), "check"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "a.html:1: link /repo/gone/ is broken: there is no gone/index.html"
    assert lines[-1].endswith("1 problem in 2 pages (0 internal links, 0 feed and data files)")


def test_cli_without_a_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--site", str(tmp_path), "check"]) == 1
    assert "run site-builder build first" in capsys.readouterr().err
