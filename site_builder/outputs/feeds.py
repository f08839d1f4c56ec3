"""Atom feeds: ``feed.xml`` for the whole site, ``topics/<slug>/feed.xml`` per topic and
``authors/<slug>/feed.xml`` per author, each with its newest papers (plan.FEED_LIMIT).

Feeds hold absolute URLs, so they are written only when base_url is a full URL (the build
warns otherwise; ``serve`` sets it to the preview's address). The XML is made with ElementTree,
which escapes every text and attribute; characters XML 1.0 cannot carry are dropped first.

Entry ids are ``tag:`` URIs (RFC 4151) from the site's host name, the paper's date and slug:
``tag:user.github.io,2026-03-11:papers/some-title``. Atom wants an entry's id to survive the
feed moving, so the path and scheme of base_url are left out: renaming the repository or
switching to https does not make readers show every paper again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as ET

from .. import urls
from ..config import Config
from ..markup import plain_text
from ..views import FeedItemView
from .meta import DESCRIPTION_LIMIT, has_site_url

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Code points XML 1.0 does not allow (C0 controls but tab/newline/CR, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def enabled(config: Config) -> bool:
    return config.feeds and has_site_url(config)


def xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    url: str  # absolute
    date_iso: str  # YYYY-MM-DD
    authors: tuple[str, ...]
    summary: str  # plain text
    content_html: str  # sanitised HTML, escaped into the XML as text (type="html")
    categories: tuple[tuple[str, str], ...]  # (term, label)


@dataclass(frozen=True)
class FeedInfo:
    id: str
    title: str
    subtitle: str
    self_url: str  # absolute URL of the feed itself
    page_url: str  # absolute URL of the HTML page it mirrors
    author: str
    language: str
    category_scheme: str  # absolute URL of the topics index


def timestamp(date_iso: str) -> str:
    """Atom wants RFC 3339 date-times; papers have a day, so midnight UTC."""
    return f"{date_iso}T00:00:00Z"


def entry_id(host: str, paper: FeedItemView) -> str:
    return f"tag:{host},{paper.date_iso}:papers/{paper.slug}"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = xml_text(text)
    return el


def feed_xml(info: FeedInfo, entries: Sequence[Entry]) -> bytes:
    """One Atom document. ``entries`` newest first; the feed is as new as its newest entry."""
    # The Atom namespace as a plain xmlns attribute: ElementTree then writes unprefixed names
    # (its default_namespace option rejects unqualified attributes such as rel and href).
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: xml_text(info.language)})
    _add(root, "id", info.id)
    _add(root, "title", info.title)
    if info.subtitle:
        _add(root, "subtitle", info.subtitle)
    # No papers yet: a fixed date keeps the build reproducible and the feed valid.
    newest = max((e.date_iso for e in entries), default="1970-01-01")
    _add(root, "updated", timestamp(newest))
    _add(root, "link", rel="self", type="application/atom+xml", href=info.self_url)
    _add(root, "link", rel="alternate", type="text/html", href=info.page_url)
    author = _add(root, "author")  # covers entries whose authors are unknown
    _add(author, "name", info.author)
    _add(root, "generator", "site-builder")
    for e in entries:
        item = _add(root, "entry")
        _add(item, "id", e.id)
        _add(item, "title", e.title, type="text")
        _add(item, "link", rel="alternate", type="text/html", href=e.url)
        _add(item, "published", timestamp(e.date_iso))
        _add(item, "updated", timestamp(e.date_iso))
        for name in e.authors:
            _add(_add(item, "author"), "name", name)
        for term, label in e.categories:
            _add(item, "category", term=term, label=label, scheme=info.category_scheme)
        if e.summary:
            _add(item, "summary", e.summary, type="text")
        _add(item, "content", e.content_html, type="html")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def entry(paper: FeedItemView, host: str) -> Entry:
    text = paper.abstract_text
    return Entry(
        id=entry_id(host, paper),
        title=paper.title,
        url=paper.permalink,
        date_iso=paper.date_iso,
        authors=paper.authors,
        summary=plain_text(text, DESCRIPTION_LIMIT),
        content_html=str(paper.abstract_html),
        categories=tuple((t.slug, t.name) for t in paper.topics),
    )


def template_globals(config: Config, u: urls.Urls) -> dict[str, Any]:
    """Links for page heads and subscribe links: base-absolute, or None when there is no feed."""
    on = enabled(config)
    return {
        "site_feed_url": u.path(urls.site_feed()) if on else None,
        "topic_feed_url": lambda slug: u.path(urls.topic_feed(slug)) if on else None,
        "author_feed_url": lambda slug: u.path(urls.author_feed(slug)) if on else None,
    }
