"""The arXiv API's Atom feed (``export.arxiv.org/api/query``): ``entry/id`` with version,
``title`` and ``summary`` with hard line breaks, ``author/name``, ``published``,
``arxiv:primary_category``, ``category/@term``, ``link[@title='pdf']``, ``arxiv:doi``,
``arxiv:journal_ref``. Parsed with defusedxml: no entity expansion, no external entities."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..errors import ContentError
from . import Collector, Options, ParseResult, links_of, read_text
from .clean import arxiv_id, doi, iso_date, one_line, paragraphs

NAME = "arxiv-atom"
_A = "{http://www.w3.org/2005/Atom}"
_X = "{http://arxiv.org/schemas/atom}"


def sniff(head: str) -> bool:
    return (
        head.lstrip().startswith("<")
        and "http://www.w3.org/2005/Atom" in head
        and ("arxiv" in head.lower())
    )


def _text(el: Element | None) -> str:
    return "".join(el.itertext()) if el is not None else ""


def parse(path: Path, options: Options) -> ParseResult:
    source = read_text(path)
    try:
        root = SafeET.fromstring(source.encode("utf-8"))
    except ParseError as exc:
        line, column = exc.position
        msg = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise ContentError(f"not well-formed XML: {msg}", path, line, column=column + 1) from None
    except DefusedXmlException:
        raise ContentError(
            "XML with entity declarations or a DTD is refused (a defence against entity "
            "expansion and external entities)",
            path,
        ) from None
    if root.tag != f"{_A}feed":
        raise ContentError(f"expected an Atom <feed>, found <{root.tag}>", path, 1)
    lines = _entry_lines(source)
    out = Collector(path, options)
    for n, entry in enumerate(root.findall(f"{_A}entry")):
        line = lines[n] if n < len(lines) else None
        raw_id = _text(entry.find(f"{_A}id")).strip()
        categories = [c.get("term", "") for c in entry.findall(f"{_A}category")]
        primary = entry.find(f"{_X}primary_category")
        if primary is not None and primary.get("term"):
            categories.insert(0, primary.get("term", ""))
        pairs: list[tuple[str, object]] = []
        for link in entry.findall(f"{_A}link"):
            if link.get("title") == "pdf":
                pairs.append(("pdf", link.get("href")))
        aid = arxiv_id(raw_id)
        out.add(
            line=line,
            title=one_line(_text(entry.find(f"{_A}title"))),
            abstract=paragraphs(_text(entry.find(f"{_A}summary"))),
            date=iso_date(_text(entry.find(f"{_A}published"))),
            authors=tuple(
                n
                for n in (
                    one_line(_text(a.find(f"{_A}name"))) for a in entry.findall(f"{_A}author")
                )
                if n
            ),
            arxiv=aid,
            doi=doi(_text(entry.find(f"{_X}doi"))),
            links=links_of(*pairs),
            venue=one_line(_text(entry.find(f"{_X}journal_ref"))) or None,
            categories=tuple(dict.fromkeys(c for c in categories if c)),
        )
    return out.result()


def _entry_lines(source: str) -> list[int]:
    """The line of each <entry> start tag, for messages (ElementTree keeps no positions)."""
    return [source.count("\n", 0, m.start()) + 1 for m in re.finditer(r"<entry[\s>]", source)]
