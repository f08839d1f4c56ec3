"""A small, bounded link crawler for a site served over HTTP under a base path.

It starts at the base URL, GETs every same-origin URL it finds exactly once (pages, CSS, JS,
feeds, sitemap), and reports what a reader or a feed reader would trip over: a 4xx/5xx
answer, a link that leaves the base path (on GitHub Pages that is someone else's site), a
`javascript:` URL, and a `#fragment` with no such id on its page. Absolute links to the
published address (canonical, Open Graph, feeds) are checked too, against the local server.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

URL_ATTRIBUTES = {"href", "src", "poster", "action", "formaction", "data"}
# Meta tags whose content is a URL of this site (og:url, og:image, twitter:image, …).
URL_META = re.compile(r"^(og:(url|image)|twitter:image)$")
XML_URLS = re.compile(r"""(?:href=["']([^"']+)["'])|(?:<loc>\s*([^<\s]+)\s*</loc>)""")
CSS_URLS = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
ROBOTS_URLS = re.compile(r"^\s*sitemap:\s*(\S+)", re.I | re.M)
XML_SUFFIXES = (".xml", ".atom", ".rss")


@dataclass(frozen=True)
class Problem:
    page: str  # where the link is
    url: str  # the link as written
    why: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url}: {self.why}"


@dataclass
class Crawl:
    statuses: dict[str, int] = field(default_factory=dict)  # URL fetched -> HTTP status
    problems: list[Problem] = field(default_factory=list)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for name in URL_ATTRIBUTES & values.keys():
            self.urls.append(values[name])
        for name in ("srcset", "imagesrcset"):
            if name in values:
                self.urls += [c.split()[0] for c in values[name].split(",") if c.strip()]
        if tag == "meta" and URL_META.match(values.get("property", values.get("name", ""))):
            self.urls.append(values.get("content", ""))


def _fetch(url: str, timeout: float) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers.get_content_type(), r.read()
    except urllib.error.HTTPError as e:  # a 404 page has links too
        with e:
            return e.code, e.headers.get_content_type(), e.read()


def crawl(
    base: str,
    starts: tuple[str, ...] = (),
    published: str = "",
    limit: int = 5000,
    timeout: float = 10.0,
) -> Crawl:
    """Crawl the site at `base` (http://127.0.0.1:PORT/repo/) from `starts` (default: `base`;
    robots.txt or a sitemap are good extra starts), treating URLs under `published`
    (https://user.github.io/repo/) as this site. At most `limit` URLs are fetched."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    base_path = urlsplit(base).path
    public = "{0.scheme}://{0.netloc}".format(urlsplit(published)) if published else None
    result = Crawl()
    queue: deque[str] = deque(dict.fromkeys(starts or (base,)))
    seen = set(queue)
    linked_from: dict[str, str] = {url: "(start)" for url in queue}
    fragments: list[tuple[str, str, str]] = []  # (page, target URL, fragment)
    ids: dict[str, set[str]] = {}

    def local(url: str) -> str | None:
        """The local URL for a link to this site, or None for a link elsewhere."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        here = f"{parts.scheme}://{parts.netloc}"
        if here == origin:
            return url
        if public and here == public:
            return origin + url[len(public) :]
        return None

    while queue:
        url = queue.popleft()
        if len(result.statuses) >= limit:
            result.problems.append(Problem(url, url, f"crawl stopped after {limit} URLs"))
            break
        status, ctype, body = _fetch(url, timeout)
        result.statuses[url] = status
        if status >= 400 and linked_from[url] != "(start)":
            result.problems.append(Problem(linked_from[url], url, f"HTTP {status}"))
            continue  # a start URL may be missing on purpose: its 404 page is crawled
        text = body.decode("utf-8", "replace")
        if ctype == "text/html":
            parser = _Links()
            parser.feed(text)
            found, ids[url] = parser.urls, parser.ids
        elif ctype.endswith("xml") or urlsplit(url).path.endswith(XML_SUFFIXES):
            found = [a or b for a, b in XML_URLS.findall(text)]
        elif ctype == "text/css":
            found = CSS_URLS.findall(text)
        elif urlsplit(url).path.endswith("/robots.txt"):
            found = ROBOTS_URLS.findall(text)
        else:
            continue
        for raw in found:
            written = raw.strip()
            if not written or written.startswith(("mailto:", "tel:", "data:")):
                continue
            if written.lower().replace("\t", "").startswith(("javascript:", "vbscript:")):
                result.problems.append(Problem(url, written, "script URL"))
                continue
            absolute, fragment = urldefrag(urljoin(url, written))
            target = local(absolute)
            if target is None:
                continue  # another site: not fetched (no network in tests)
            if not unquote(urlsplit(target).path).startswith(base_path):
                result.problems.append(Problem(url, written, f"outside {base_path}"))
                continue
            if fragment:
                fragments.append((url, target, unquote(fragment)))
            if target not in seen:
                seen.add(target)
                linked_from[target] = url
                queue.append(target)

    for page, target, fragment in fragments:
        if target in ids and fragment not in ids[target]:
            result.problems.append(Problem(page, f"{target}#{fragment}", "no such id"))
    return result
