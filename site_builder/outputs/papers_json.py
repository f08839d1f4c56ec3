"""papers.json: the whole collection as one JSON document, for scripts and other tools.

The schema is documented in docs/papers-json.md. Nothing in it depends on the time of the
build, so the same content always gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__, urls
from ..config import Config
from ..model import Site

SCHEMA_VERSION = 1


def document(site: Site, config: Config, u: urls.Urls) -> dict[str, Any]:
    papers = []
    for paper in site.papers:
        papers.append(
            {  # the key order is part of the documented format
                "slug": paper.slug,
                "title": paper.title,
                "url": u.absolute(urls.paper(paper.slug)),
                "date": paper.date.isoformat(),
                "topics": list(paper.topics),
                "authors": list(paper.authors),
                "links": [{"url": link.url, "kind": link.kind} for link in paper.links],
                "related": list(site.related.get(paper.slug, ())),
            }
        )
    return {
        "generated": {
            "generator": "site-builder",
            "version": __version__,
            "schema_version": SCHEMA_VERSION,
            "site_title": config.title,
            "site_url": u.absolute(urls.home()),
            "paper_count": len(papers),
        },
        "papers": papers,
    }


def render(site: Site, config: Config, u: urls.Urls) -> bytes:
    # Compact and UTF-8: with thousands of papers the file is read by programs, not people.
    text = json.dumps(document(site, config, u), ensure_ascii=False, separators=(",", ":"))
    return (html_safe(text) + "\n").encode("utf-8")


def html_safe(text: str) -> str:
    """JSON with <, > and & as \\u escapes: the same data for any JSON parser, but nothing a
    browser sniffing the file, or a page pasting it into a <script>, could read as markup."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
