"""Abstract text (Markdown) to safe HTML.

Abstracts come from untrusted dumps, so raw HTML in them is shown as text, not interpreted,
and the rendered HTML is sanitised by nh3 (an allow-list sanitiser) as a second line of defence:
no script, no event-handler attribute and no ``javascript:`` URL can reach a page.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor

from .links import clean_url

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "sub", "sup", "h3", "h4", "h5", "h6", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# A '<' that opens a tag, comment or declaration (not an autolink like <https://x.org>).
_RAW_HTML = re.compile(r"<(?=[A-Za-z/!?])(?!https?://)")
_BARE_URL = r"(?<![(<\"'=\w/])(https?://[^\s<>\"'`]+)"


class _BareUrls(InlineProcessor):
    """Turn a URL written in prose into a link, minus any sentence punctuation after it."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ElementTree.Element, int, int]:  # noqa: N802
        url = clean_url(m.group(1))
        el = ElementTree.Element("a", {"href": url})
        el.text = url
        return el, m.start(0), m.start(0) + len(url)


class _Linkify(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(_BareUrls(_BARE_URL, md), "bare_url", 95)


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML. Raw HTML in the source is escaped so it reads as written."""
    escaped = _RAW_HTML.sub("&lt;", text)
    md = markdown.Markdown(extensions=[_Linkify(), "sane_lists"], output_format="html")
    html = md.convert(escaped)
    return sanitise(html)


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def plain_text(text: str, limit: int | None = None) -> str:
    """Abstract text for meta descriptions and cards: no markup, spaces folded, cut at a word."""
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text
