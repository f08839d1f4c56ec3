"""Which format a source file is in: detected from its first bytes, or forced by ``--format``.

Detection looks at content, not the file name (exports are often saved as ``.txt`` or
``.json`` whatever they hold); the order below puts the most specific signatures first, and the
daily-papers dump, which is free text, last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from . import (
    Options,
    ParseResult,
    arxiv_atom,
    arxiv_snapshot,
    bibtex,
    csl_json,
    daily_papers,
    hf_daily,
    openreview,
    read_bytes,
    tabular,
)
from .jsonutil import load_json

HEAD_BYTES = 65536  # enough to see a JSON list's first item or a CSV header


@dataclass(frozen=True)
class Format:
    name: str
    sniff: Callable[[str], bool]
    parse: Callable[[Path, Options], ParseResult]
    description: str


FORMATS: tuple[Format, ...] = (
    Format(arxiv_atom.NAME, arxiv_atom.sniff, arxiv_atom.parse, "arXiv API Atom feed"),
    Format(hf_daily.NAME, hf_daily.sniff, hf_daily.parse, "Hugging Face /api/daily_papers JSON"),
    Format(openreview.NAME, openreview.sniff, openreview.parse, "OpenReview notes JSON (v1, v2)"),
    Format(csl_json.NAME, csl_json.sniff, csl_json.parse, "CSL-JSON (Zotero, Crossref)"),
    Format(
        arxiv_snapshot.NAME,
        arxiv_snapshot.sniff,
        arxiv_snapshot.parse,
        "arXiv metadata snapshot (JSON Lines)",
    ),
    Format("jsonl", tabular.sniff_jsonl, tabular.parse_jsonl, "JSON Lines, one paper a line"),
    Format(bibtex.NAME, bibtex.sniff, bibtex.parse, "BibTeX"),
    Format("csv", tabular.sniff_csv, tabular.parse_csv, "CSV with a header row"),
    Format(
        daily_papers.NAME, daily_papers.sniff, daily_papers.parse_source, "daily-papers page dump"
    ),
)
FORMAT_NAMES = tuple(f.name for f in FORMATS)


def _head(path: Path) -> str:
    return read_bytes(path, HEAD_BYTES).decode("utf-8-sig", errors="replace")


def detect_format(path: Path) -> Format:
    """The format of ``path`` by its content."""
    head = _head(path)
    if not head.strip():
        raise ContentError("the file is empty", path)
    for fmt in FORMATS[:-1]:
        if fmt.sniff(head):
            return fmt
    if head.lstrip().startswith(("{", "[")):
        # JSON that no JSON format claims: a syntax error is the likelier story, so say that.
        load_json(path)
        raise ContentError(
            "JSON in a shape no format knows; name its format with --format "
            f"({', '.join(FORMAT_NAMES)})",
            path,
            1,
        )
    return FORMATS[-1]  # the daily-papers dump: free text


def get_format(name: str) -> Format:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise ValueError(f"unknown format {name!r}; one of {', '.join(FORMAT_NAMES)}")


def parse_source(path: Path, options: Options, format_name: str | None = None) -> ParseResult:
    """Parse one source file: the named format, or the detected one."""
    fmt = get_format(format_name) if format_name else detect_format(path)
    return fmt.parse(path, options)
