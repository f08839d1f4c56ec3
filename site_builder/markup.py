"""Abstract text (Markdown) to safe HTML.

Abstracts come from untrusted dumps, so raw HTML in them is shown as text, not interpreted,
and the rendered HTML is sanitised by nh3 (an allow-list sanitiser) as a second line of defence:
no script, no event-handler attribute and no ``javascript:`` URL can reach a page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.etree import ElementTree

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from .links import clean_url, encode_url

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "sub", "sup", "h3", "h4", "h5", "h6", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_BARE_URL = re.compile(r"https?://[^\s<>\"'`]+", re.I)
_NO_LINKS_INSIDE = {"a", "code", "pre"}


class _Linkify(Treeprocessor):
    """Turn URLs written in prose into links, minus the sentence punctuation after them.

    Runs on the finished tree, so text already inside a link or code is left alone.
    """

    def run(self, root: ElementTree.Element) -> None:
        self._walk(root)

    def _walk(self, el: ElementTree.Element) -> None:
        if el.tag in _NO_LINKS_INSIDE:
            return
        for child in list(el):
            self._walk(child)
        # el.text comes before the first child; each child's tail comes after that child.
        if el.text:
            el.text, links = _split(el.text)
            for i, link in enumerate(links):
                el.insert(i, link)
        for child in list(el):
            if child.tail:
                child.tail, links = _split(child.tail)
                index = list(el).index(child)
                for i, link in enumerate(links, start=1):
                    el.insert(index + i, link)


def _split(text: str) -> tuple[str, list[ElementTree.Element]]:
    """Text up to the first URL, and <a> elements (each carrying its following text as tail)."""
    pieces = list(_BARE_URL.finditer(text))
    if not pieces:
        return text, []
    head = text[: pieces[0].start()]
    links: list[ElementTree.Element] = []
    for n, m in enumerate(pieces):
        url = clean_url(m.group(0))
        end = pieces[n + 1].start() if n + 1 < len(pieces) else len(text)
        link = ElementTree.Element("a", {"href": url})
        link.text = AtomicString(url)
        link.tail = text[m.start() + len(url) : end]
        links.append(link)
    return head, links


class _Safe(markdown.Extension):
    """Raw HTML is not interpreted: it stays text, which Markdown escapes on output."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Linkify(md), "linkify", 5)


class MarkdownRenderer:
    """Renders many abstracts with one Markdown instance (setting one up costs more than
    converting a typical abstract). Not thread-safe: one per build or per worker."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=[_Safe(), "sane_lists"], output_format="html")

    def __call__(self, text: str) -> str:
        """Markdown to sanitised HTML. Raw HTML in the source is escaped so it reads as written."""
        self._md.reset()
        return sanitise(self._md.convert(text))


def render_markdown(text: str) -> str:
    """One abstract to safe HTML; for many, keep a MarkdownRenderer."""
    return MarkdownRenderer()(text)


# nh3 escapes '<' and '>' inside attribute values, so a tag ends at the first '>'.
_LINK_WITHOUT_HREF = re.compile(r"<a\b(?![^>]*\shref=)[^>]*>(.*?)</a>", re.S)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Links go off-site only: a relative href in an abstract would point into this site."""
    if tag == "a" and attribute == "href":
        if urlsplit(value).scheme.lower() not in URL_SCHEMES:
            return None
        return encode_url(value)
    return value


def sanitise(html: str) -> str:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    # A refused URL leaves <a rel=...> without href (invalid HTML): keep just its text.
    return _LINK_WITHOUT_HREF.sub(r"\1", cleaned)


def plain_text(text: str, limit: int | None = None) -> str:
    """Abstract text for meta descriptions and cards: no markup, spaces folded, cut at a word."""
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text
