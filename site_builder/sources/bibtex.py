"""BibTeX (Zotero, Google Scholar, a lab's publication list), read with bibtexparser 2.x.
LaTeX accents and commands become Unicode (pylatexenc); ``title``, ``author`` ("Last, First and
…"), ``abstract``, ``keywords``, ``doi``, ``eprint``/``archivePrefix``, ``url``,
``journal``/``booktitle``, ``year``/``month``/``date``."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock

from ..errors import ContentError
from . import Collector, Options, ParseResult, links_of, read_text
from .clean import arxiv_id, doi, iso_date, latex_to_text, one_line, paragraphs, split_list

NAME = "bibtex"
_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.M)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def sniff(head: str) -> bool:
    return bool(_ENTRY.search(head)) and not head.lstrip().startswith(("{", "[", "<"))


@contextmanager
def _quiet() -> Iterator[None]:
    """bibtexparser logs each failed block; we report them ourselves, with the file name.
    (Its loggers are children such as ``bibtexparser.splitter``: disabling the parent does not
    silence them, but the level they inherit does.)"""
    logger = logging.getLogger("bibtexparser")
    old = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(old)


def split_authors(value: str) -> tuple[str, ...]:
    """'Smith, John and Doe, Jane' -> ('John Smith', 'Jane Doe'); 'and' inside braces stays."""
    parts: list[str] = []
    depth, start = 0, 0
    for m in re.finditer(r"[{}]|\s+and\s+", value):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(value[start : m.start()])
            start = m.end()
    parts.append(value[start:])
    names: list[str] = []
    for part in parts:
        name = one_line(latex_to_text(part))
        if name.lower() == "others":
            continue
        pieces = [p.strip() for p in name.split(",")]
        if len(pieces) == 2 and pieces[0] and pieces[1]:
            name = f"{pieces[1]} {pieces[0]}"  # Last, First
        elif len(pieces) == 3 and all(pieces):
            name = f"{pieces[2]} {pieces[0]} {pieces[1]}"  # von Last, Jr, First
        if name:
            names.append(name)
    return tuple(names)


def _date(fields: dict[str, str]) -> dt.date | None:
    when = iso_date(fields.get("date"))
    if when:
        return when
    year = re.search(r"\d{4}", fields.get("year", ""))
    if not year:
        return None
    month_text = fields.get("month", "").strip().lower()
    month = _MONTHS.get(month_text[:3]) or (int(month_text) if month_text.isdigit() else 1)
    try:
        return dt.date(int(year.group(0)), month if 1 <= month <= 12 else 1, 1)
    except ValueError:
        return None


def parse(path: Path, options: Options) -> ParseResult:
    text = read_text(path)
    with _quiet():
        library = bibtexparser.parse_string(text)
    out = Collector(path, options)
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            out.warn(f"duplicate entry key {block.key!r}; this entry skipped", line)
            continue
        raise ContentError(
            "not valid BibTeX: this entry is not closed (a missing '}' or ',')", path, line
        )
    for entry in library.entries:
        fields = {k.lower(): str(f.value) for k, f in entry.fields_dict.items()}
        if entry.entry_type.lower() in ("string", "preamble", "comment"):
            continue
        eprint = fields.get("eprint", "")
        prefix = fields.get("archiveprefix", fields.get("eprinttype", "")).lower()
        aid = arxiv_id(eprint) if (prefix == "arxiv" or not prefix) and eprint else None
        url = fields.get("url", "")
        aid = aid or (arxiv_id(url) if "arxiv.org" in url else None)
        venue = fields.get("journal") or fields.get("booktitle") or fields.get("journaltitle")
        out.add(
            line=entry.start_line + 1,
            title=one_line(latex_to_text(fields.get("title", ""))),
            abstract=paragraphs(latex_to_text(fields.get("abstract", ""))),
            date=_date(fields),
            authors=split_authors(fields.get("author", "")),
            arxiv=aid,
            doi=doi(fields.get("doi")),
            links=links_of(
                ("other", url if "arxiv.org" not in url else None),
                ("pdf", fields.get("pdf")),
            ),
            venue=one_line(latex_to_text(venue)) if venue else None,
            keywords=split_list(latex_to_text(fields.get("keywords", ""))),
            # NASA ADS and Google Scholar name an arXiv paper's primary category so.
            categories=_primary_class(fields.get("primaryclass", "")),
        )
    return out.result()


def _primary_class(value: str) -> tuple[str, ...]:
    """``primaryClass = {cs.CV}`` as a category; anything not shaped like one is ignored."""
    value = value.strip()
    return (value,) if re.fullmatch(r"[a-z][a-z\-]*(?:\.[A-Za-z\-]+)?", value) else ()
