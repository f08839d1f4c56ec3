"""Titles and abstracts to safe HTML: Markdown or plain text, TeX math, links, typography.

Abstracts come from untrusted dumps, so raw HTML in them is shown as text, not interpreted,
and the rendered HTML is sanitised by nh3 (an allow-list sanitiser) as a second line of defence:
no script, no event-handler attribute and no ``javascript:`` URL can reach a page.

An abstract has one of two formats (the ``format`` front matter key):

- ``markdown``: Markdown as a user writes it by hand (paragraphs, emphasis, lists, code, links).
- ``text``: plain text as it comes from a dump (ingest writes ``format: text``). Only blank
  lines mean something (paragraphs): ``f_0``, ``a*b*c``, ``#1``, a line starting ``- `` or
  ``1. `` read as written.

Both get ``$…$``/``$$…$$`` math as MathML (mathml.py), bare URLs as links, and TeX typography:
````like this''`` → “like this”, ```like this'`` → ‘like this’, ``--`` → – and ``---`` → —
(only between spaces or between letters/digits, so ``--flag`` and ``<!--`` stay). Never
inside math, code or URLs. Plain text also reads TeX's escapes ``\\$ \\% \\& \\# \\_ \\{ \\}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit
from xml.etree import ElementTree

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from . import mathml
from .links import clean_url, encode_url

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "sub", "sup", "h3", "h4", "h5", "h6", "del",
} | set(mathml.ALLOWED)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    **{tag: set(attrs) for tag, attrs in mathml.ALLOWED.items()},
}
ALLOWED_CLASSES = {"code": {"tex"}}  # math that could not be rendered, shown as its source
URL_SCHEMES = {"http", "https", "mailto"}

_BARE_URL = re.compile(r"https?://[^\s<>\"'`]+", re.I)
_NO_LINKS_INSIDE = {"a", "code", "pre", "math"}
_NO_TYPOGRAPHY_INSIDE = {"code", "pre", "math"}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

# TeX quotes: ``…'' and `…'. Inside single quotes an apostrophe (`don't') does not close.
_DOUBLE_QUOTES = re.compile(r"(?<!`)``(?!`)((?:[^`']|'(?!'))+?)''(?!')")
_SINGLE_QUOTES = re.compile(r"(?<!`)`(?!`)((?:[^`'\n]|'(?=\w))+)'(?!\w)")
# TeX dashes, only between spaces or between letters/digits.
_EM_DASH = re.compile(r"(?<=\s)---(?=\s)|(?<=[^\W_])---(?=[^\W_])")
_EN_DASH = re.compile(r"(?<=\s)--(?=\s)|(?<=[^\W_])--(?=[^\W_])")
_TEX_ESCAPE = re.compile(r"\\([$%&#_{}])")
# Anything Markdown would read as syntax: its inline characters, TeX's backslash and $,
# control characters and line breaks other than \n (Markdown rewrites or uses them), a line
# that opens a block (list, quote, heading rule), or a line starting or ending in blanks
# (code, hard breaks, and spaces Markdown keeps where plain text trims them). Most abstracts
# have none: they give the same HTML as plain text (tests/unit/test_markup.py checks), at
# half the cost of Markdown.
_MARKDOWN_SYNTAX = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029\\`*_\[\]<>&!#|~$]|^[^\S\n]|[^\S\n]$"
    r"|^(?:[-+=>]|\d+[.)])",
    re.M,
)


@dataclass(frozen=True)
class MathProblem:
    """Math that latex2mathml could not convert; it is shown as its source instead."""

    source: str  # as written, delimiters included
    reason: str


@dataclass(frozen=True)
class Rendered:
    html: str  # sanitised, safe to put in a page as it is
    text: str  # the same as plain text: no markup, math as its TeX source
    problems: tuple[MathProblem, ...] = ()


def typeset(text: str, tex_escapes: bool = False) -> str:
    """TeX quotes and dashes as the characters TeX would print; optionally TeX's escapes."""
    text = _DOUBLE_QUOTES.sub("“\\1”", text)
    text = _SINGLE_QUOTES.sub("‘\\1’", text)
    text = _EM_DASH.sub("—", text)
    text = _EN_DASH.sub("–", text)
    if tex_escapes:
        text = _TEX_ESCAPE.sub("\\1", text)
    return text


# --- tree passes shared by both formats ---------------------------------------------------------


def _linkify(el: ElementTree.Element) -> None:
    """Turn URLs written in prose into links, minus the sentence punctuation after them.

    Runs on the finished tree, so text already inside a link, code or math is left alone.
    """
    if el.tag in _NO_LINKS_INSIDE:
        return
    for child in list(el):
        _linkify(child)
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


def _typeset_tree(el: ElementTree.Element, tex_escapes: bool) -> None:
    """Typography on every text of the tree except code, math and URLs (AtomicStrings)."""
    if el.tag in _NO_TYPOGRAPHY_INSIDE:
        return
    if el.text and not isinstance(el.text, AtomicString):
        el.text = typeset(el.text, tex_escapes)
    for child in el:
        _typeset_tree(child, tex_escapes)
        if child.tail and not isinstance(child.tail, AtomicString):
            child.tail = typeset(child.tail, tex_escapes)


# --- Markdown ---------------------------------------------------------------------------------


class _Linkify(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        _linkify(root)


class _Typeset(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        _typeset_tree(root, tex_escapes=False)


class _MathPattern(InlineProcessor):
    """``$…$`` and ``$$…$$``; runs after code spans, so math in code stays code."""

    def __init__(self, renderer: MarkdownRenderer, md: markdown.Markdown):
        super().__init__(mathml.MATH_RE.pattern, md)
        self.compiled_re = mathml.MATH_RE
        self.renderer = renderer

    def handleMatch(  # noqa: N802 (Markdown's API)
        self, m: re.Match[str], data: str
    ) -> tuple[str | ElementTree.Element, int, int]:
        el = self.renderer._math(mathml.span_of(m))
        if el.tag == "code":
            return el, m.start(0), m.end(0)
        # Stashed as finished HTML: Markdown must not touch the MathML inside.
        html = ElementTree.tostring(el, encoding="unicode", method="html")
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class _Safe(markdown.Extension):
    """Raw HTML is not interpreted: it stays text, which Markdown escapes on output."""

    def __init__(self, renderer: MarkdownRenderer):
        super().__init__()
        self.renderer = renderer

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.ESCAPED_CHARS.extend(["$", "%", "&"])  # \$ is a dollar, as in TeX
        if self.renderer.math:
            md.inlinePatterns.register(_MathPattern(self.renderer, md), "math", 185)
        md.treeprocessors.register(_Linkify(md), "linkify", 5)
        md.treeprocessors.register(_Typeset(md), "typeset", 4)


# --- the renderer -------------------------------------------------------------------------------


class MarkdownRenderer:
    """Renders many titles and abstracts with one Markdown instance (setting one up costs more
    than converting a typical abstract). Not thread-safe: one per build or per worker."""

    def __init__(self, math: bool = True) -> None:
        self.math = math
        self._problems: list[MathProblem] = []
        self._md = markdown.Markdown(extensions=[_Safe(self), "sane_lists"], output_format="html")

    def __call__(self, text: str) -> str:
        """Markdown to sanitised HTML. Raw HTML in the source is escaped so it reads as written."""
        return self.abstract(text).html

    def abstract(self, text: str, fmt: str = "markdown") -> Rendered:
        """An abstract in ``fmt`` ('markdown' or 'text') to safe HTML and plain text."""
        self._problems = []
        if fmt == "text" or not _MARKDOWN_SYNTAX.search(text):
            html = self._plain(text)
        else:
            html = self._markdown(text)
        return self._finish(html)

    def _markdown(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)

    def title(self, text: str) -> Rendered:
        """A title: text with math and typography, nothing else (no Markdown, no links)."""
        self._problems = []
        root = ElementTree.Element("span")
        self._fill(root, text, inline_only=True)
        _typeset_tree(root, tex_escapes=True)
        return self._finish(_inner_html(root))

    def _plain(self, text: str) -> str:
        root = ElementTree.Element("div")
        for block in _PARAGRAPH_BREAK.split(text.strip()):
            if block.strip():
                self._fill(ElementTree.SubElement(root, "p"), block.strip())
        _linkify(root)
        _typeset_tree(root, tex_escapes=True)
        return "\n".join(ElementTree.tostring(p, encoding="unicode", method="html") for p in root)

    def _fill(self, parent: ElementTree.Element, text: str, inline_only: bool = False) -> None:
        """Append text to an empty element, its math spans becoming <math> children."""
        parent.text, last, pos = "", None, 0
        for span in mathml.find_math(text) if self.math else ():
            _append_text(parent, last, text[pos : span.start])
            last = self._math(span, inline_only)
            parent.append(last)
            pos = span.end
        _append_text(parent, last, text[pos:])

    def _math(self, span: mathml.MathSpan, inline_only: bool = False) -> ElementTree.Element:
        """A <math> element, or the source in <code class="tex"> when it cannot be converted."""
        try:
            return mathml.to_element(span.tex, span.display and not inline_only)
        except mathml.MathError as exc:
            self._problems.append(MathProblem(span.source, str(exc)))
            code = ElementTree.Element("code", {"class": "tex"})
            code.text = AtomicString(span.source)
            return code

    def _finish(self, html: str) -> Rendered:
        html = sanitise(html)
        return Rendered(html, text_of(html), tuple(self._problems))


def _append_text(parent: ElementTree.Element, last: ElementTree.Element | None, text: str) -> None:
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def _inner_html(el: ElementTree.Element) -> str:
    inner = [escape(el.text or "", quote=False)]
    inner += [ElementTree.tostring(child, encoding="unicode", method="html") for child in el]
    return "".join(inner)


def render_markdown(text: str) -> str:
    """One abstract to safe HTML; for many, keep a MarkdownRenderer."""
    return MarkdownRenderer()(text)


def render_title(text: str, math: bool = True) -> Rendered:
    return MarkdownRenderer(math=math).title(text)


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
        allowed_classes=ALLOWED_CLASSES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    # A refused URL leaves <a rel=...> without href (invalid HTML): keep just its text.
    return _LINK_WITHOUT_HREF.sub(r"\1", cleaned)


class _TextOf(HTMLParser):
    """The text a reader sees, with each formula as its TeX source (from its annotation)."""

    _BREAKS = frozenset({"p", "br", "li", "pre", "blockquote", "h3", "h4", "h5", "h6", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.math = 0
        self.annotation = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "math":
            self.math += 1
        elif tag == "annotation":
            self.annotation += 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "math":
            self.math -= 1
        elif tag == "annotation":
            self.annotation -= 1
        elif tag in self._BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.math or self.annotation:
            self.parts.append(data)


def text_of(html: str) -> str:
    """Plain text of rendered HTML, spaces folded."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


class _Summary(HTMLParser):
    """The start of rendered HTML as one run of inline HTML, about ``limit`` characters long.

    Paragraphs and lists become spaces, links become their text. A formula is kept whole or
    not at all; the summary ends before display math or a formula too wide for a card.
    """

    MAX_INLINE_MATH = 40  # characters a reader sees, about a third of a phone's line

    _INLINE = frozenset({"em", "strong", "code", "sub", "sup", "del"})

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.limit = limit
        self.length = 0
        self.out: list[str] = []
        self.open: list[str] = []
        self.math: list[str] = []  # the formula being read, until it is complete
        self.math_depth = 0
        self.math_length = 0
        self.annotation = False
        self.done = False
        self.after_space = True  # spaces at the start or after a space are not counted

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "math" and ("display", "block") in attrs:
            self._stop()
        elif tag == "math" or self.math_depth:
            self.math_depth += 1
            self.annotation = self.annotation or tag == "annotation"
            self.math.append(f"<{tag}{_attrs(attrs)}>")
        elif tag in self._INLINE:
            self.out.append(f"<{tag}{_attrs(attrs)}>")
            self.open.append(tag)
        elif tag in _TextOf._BREAKS:
            self._text(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if self.math_depth:
            self.math_depth -= 1
            self.annotation = self.annotation and tag != "annotation"
            self.math.append(f"</{tag}>")
            if not self.math_depth:
                too_long = self.length + self.math_length > self.limit
                if too_long or self.math_length > self.MAX_INLINE_MATH:
                    self._stop()
                else:
                    self.out.extend(self.math)
                    self.length += self.math_length
                    self.after_space = False
                self.math, self.math_length = [], 0
        elif tag in self._INLINE and tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break
        elif tag in _TextOf._BREAKS:
            self._text(" ")

    def handle_data(self, data: str) -> None:
        if self.done:
            return
        if self.math_depth:
            self.math.append(escape(data, quote=False))
            if not self.annotation:
                self.math_length += len(data)
        else:
            self._text(data)

    def _text(self, data: str) -> None:
        data = re.sub(r"\s+", " ", data)
        if self.after_space:
            data = data.lstrip(" ")
        if not data:
            return
        if self.length + len(data) <= self.limit:
            self.out.append(escape(data, quote=False))
            self.length += len(data)
            self.after_space = data.endswith(" ")
            return
        room = self.limit - self.length
        cut = data[:room].rsplit(" ", 1)[0] if " " in data[:room] else ""
        self.out.append(escape(cut.rstrip(",;: "), quote=False))
        self._stop()

    def _stop(self) -> None:
        self.done = True

    def result(self) -> str:
        self.close()
        html = " ".join("".join(self.out).split())
        if self.done:
            html = html.rstrip(" ,;:.") + "…"
        return html + "".join(f"</{tag}>" for tag in reversed(self.open))


def _attrs(attrs: list[tuple[str, str | None]]) -> str:
    return "".join(f' {k}="{escape(v or "")}"' for k, v in attrs)


def summary_html(html: str, limit: int) -> str:
    """The start of rendered (sanitised) HTML for a card: inline only, math kept whole."""
    parser = _Summary(limit)
    parser.feed(html)
    return sanitise(parser.result())


def plain_text(text: str, limit: int | None = None) -> str:
    """Abstract text for meta descriptions and cards: no markup, spaces folded, cut at a word."""
    text = " ".join(text.split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text
