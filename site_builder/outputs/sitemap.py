"""sitemap.xml and robots.txt, made from the finished list of pages.

The sitemap lists every HTML page the build writes (whichever feature made it), except
404.html and pages that ask not to be indexed (``<meta name="robots" content="noindex">``).
It needs absolute URLs, so it is written only with a full base_url; robots.txt is always
written and names the sitemap when there is one. A ``robots.txt`` or ``sitemap.xml`` in the
site's static/ folder wins over the generated one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import quote
from xml.etree import ElementTree as ET

from ..config import Config
from ..model import Site
from .meta import has_site_url

if TYPE_CHECKING:
    from ..render import Renderer

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
_DAY = re.compile(r"daily/(\d{4}-\d{2}-\d{2})/")
_HOME_PAGE = re.compile(r"page/\d+/")


class _Robots(HTMLParser):
    """Reads a page's head for <meta name="robots" content="...noindex...">."""

    def __init__(self) -> None:
        super().__init__()
        self.noindex = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.done = True
        elif tag == "meta" and not self.done:
            a = {k: (v or "") for k, v in attrs}
            if a.get("name", "").lower() == "robots" and "noindex" in a.get("content", "").lower():
                self.noindex = True


def wants_index(html: bytes) -> bool:
    head = html.split(b"<body", 1)[0].decode("utf-8", "replace")
    parser = _Robots()
    parser.feed(head)
    return not parser.noindex


def page_url(path: str) -> str:
    """The site-relative URL of an output file: 'papers/x/index.html' -> 'papers/x/'."""
    if path == "index.html":
        return ""
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def lastmods(site: Site) -> Callable[[str], dt.date | None]:
    """When each page last changed, from the dates of the papers it shows.

    Paper pages: the paper's date. Topic and day pages: their newest paper. Listings of the
    whole site (home, topics, days): the newest paper. Anything else: unknown, so left out.
    """
    newest = site.papers[0].date if site.papers else None
    papers = {p.slug: p.date for p in site.papers}
    topics = {t.slug: papers[t.paper_slugs[0]] for t in site.topics if t.paper_slugs}

    def lastmod(url: str) -> dt.date | None:
        parts = url.split("/")
        if parts[0] == "papers" and len(parts) > 2:
            return papers.get(parts[1])
        if parts[0] == "topics" and len(parts) > 2:
            return topics.get(parts[1])
        if m := _DAY.match(url):
            return dt.date.fromisoformat(m.group(1))
        if url in ("", "topics/", "daily/") or _HOME_PAGE.fullmatch(url):
            return newest
        return None

    return lastmod


def sitemap_xml(entries: Sequence[tuple[str, dt.date | None]]) -> bytes:
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for loc, date in entries:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = loc
        if date is not None:
            ET.SubElement(url, "lastmod").text = date.isoformat()
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def robots_txt(sitemap_url: str | None) -> bytes:
    lines = ["# Every page may be crawled.", "User-agent: *", "Allow: /"]
    if sitemap_url:
        lines += ["", f"Sitemap: {sitemap_url}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _user_has(config: Config, name: str) -> bool:
    return (config.static_dir / name).is_file()


def produce(renderer: Renderer, pages: Sequence[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
    """sitemap.xml (with a full base_url) and robots.txt, from every page built so far."""
    config, u = renderer.config, renderer.urls
    with_sitemap = has_site_url(config) and not _user_has(config, SITEMAP)
    if with_sitemap:
        lastmod = lastmods(renderer.site)
        entries = []
        for path, data in pages:  # in build order: home, papers, topics, then features
            if not path.endswith(".html") or path == "404.html" or not wants_index(data):
                continue
            url = page_url(path)
            entries.append((u.absolute(quote(url)), lastmod(url)))
        yield SITEMAP, sitemap_xml(entries)
    if not _user_has(config, ROBOTS):
        yield ROBOTS, robots_txt(u.absolute(SITEMAP) if has_site_url(config) else None)
