"""CSV and JSON Lines with one paper per row. Columns are matched by name, case-insensitively;
``--column FIELD=NAME`` maps a field to another column. The default names (first present wins):

    title      title
    abstract   abstract, summary, description
    authors    authors, author   (separated by ';', or ',' when there is no ';', or a JSON list)
    date       date, published, year
    arxiv      arxiv, arxiv_id, eprint; else id, when it is exactly an arXiv id
    doi        doi
    openreview openreview
    url        url, link        (a link; its kind is guessed from the host)
    pdf, code, project          (links of that kind)
    venue      venue, journal, booktitle
    categories categories      (separated by ';' or ',' or spaces, or a list)
    keywords   keywords, tags
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import ContentError
from ..links import link_kind
from . import Collector, Options, ParseResult, links_of, read_text
from .arxiv_snapshot import json_objects, keep
from .clean import arxiv_id, doi, iso_date, one_line, paragraphs, split_list

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "abstract": ("abstract", "summary", "description"),
    "authors": ("authors", "author"),
    "date": ("date", "published", "year"),
    "arxiv": ("arxiv", "arxiv_id", "eprint"),
    "doi": ("doi",),
    "openreview": ("openreview",),
    "url": ("url", "link"),
    "pdf": ("pdf",),
    "code": ("code",),
    "project": ("project",),
    "venue": ("venue", "journal", "booktitle"),
    "categories": ("categories",),
    "keywords": ("keywords", "tags"),
}
FIELDS = tuple(DEFAULT_COLUMNS)


def sniff_csv(head: str) -> bool:
    first = head.lstrip("\ufeff").split("\n", 1)[0].lower()
    return (
        not first.lstrip().startswith(("{", "[", "<", "@"))
        and "title" in first
        and ("," in first or "\t" in first or ";" in first)
    )


def sniff_jsonl(head: str) -> bool:
    lines = [x for x in head.lstrip().split("\n") if x.strip()]
    return bool(lines) and lines[0].lstrip().startswith("{") and lines[0].rstrip().endswith("}")


def _lookup(row: Mapping[str, Any], options: Options) -> dict[str, Any]:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    overrides = dict(options.columns)
    out: dict[str, Any] = {}
    for name, defaults in DEFAULT_COLUMNS.items():
        names = (overrides[name].lower(),) if name in overrides else defaults
        out[name] = next((lowered[n] for n in names if lowered.get(n) not in (None, "")), None)
    # arXiv's own exports (API results, the metadata snapshot) name the id plain "id"; any
    # other id column ("id": 17) is not one. A version ("2403.01234v2") is dropped as usual.
    plain = _str(lowered.get("id")).strip()
    aid = arxiv_id(plain) if out["arxiv"] is None and "arxiv" not in overrides else None
    if aid and re.fullmatch(rf"{re.escape(aid)}(?:v\d+)?", plain):
        out["arxiv"] = aid
    return out


def _authors(value: Any) -> tuple[str, ...]:
    """'A One, B Two', 'A One and B Two', 'One, A; Two, B' or a list (of 'Last, First' too)."""
    if isinstance(value, str) and ";" not in value:
        return split_list(value.replace(" and ", ","), ",")
    return tuple(_first_last(n) for n in split_list(value, ";"))


def _first_last(name: str) -> str:
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep and first.strip() and last.strip() else name


def _str(value: Any) -> str:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def _add(out: Collector, line: int, place: str, row: dict[str, Any], options: Options) -> None:
    cats_raw = row["categories"]
    categories = (
        split_list(cats_raw.replace(" ", ","), ",;")
        if isinstance(cats_raw, str)
        else split_list(cats_raw)
    )
    date = iso_date(_str(row["date"]))
    if not keep(categories, date, options):
        return
    aid = arxiv_id(_str(row["arxiv"])) or (
        arxiv_id(_str(row["url"])) if "arxiv.org" in _str(row["url"]) else None
    )
    url = _str(row["url"])
    out.add(
        line=line,
        place=place,
        title=one_line(_str(row["title"])),
        abstract=paragraphs(_str(row["abstract"])),
        date=date,
        authors=_authors(row["authors"]),
        arxiv=aid,
        doi=doi(_str(row["doi"])),
        openreview=one_line(_str(row["openreview"])) or None,
        links=links_of(
            (link_kind(url) if url else "other", url if "arxiv.org" not in url else None),
            ("pdf", row["pdf"]),
            ("code", row["code"]),
            ("project", row["project"]),
        ),
        venue=one_line(_str(row["venue"])) or None,
        categories=categories,
        keywords=split_list(row["keywords"]),
    )


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    # Only the delimiter is guessed, from the header: a sniffed dialect also guesses quoting
    # from a line that rarely holds a quote, and then reads a cell's doubled quote ("") as
    # the end of the cell. Spreadsheets write Excel's quoting whatever the delimiter.
    try:
        delimiter = csv.Sniffer().sniff(text[:4096].split("\n", 1)[0], ",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(
        io.StringIO(text, newline=""), dialect=csv.excel, delimiter=delimiter, strict=True
    )
    start = 1
    try:
        header = reader.fieldnames or []
        width = len(header)
        start = reader.line_num + 1
        for row in reader:
            if None in row or len(row) != width:
                raise ContentError(
                    f"row has {len(row) - (None in row) + len(row.get(None) or [])} cells, "
                    f"the header has {width}",
                    path,
                    start,
                )
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        # Named at the row's first line: a quote left open runs the row on to the file's end.
        reason = str(exc)
        if "end of data" in reason or "EOF" in reason:
            reason = 'a quoted cell is never closed (a " opened in this row has no partner)'
        raise ContentError(f"not valid CSV: {reason}", path, start) from None


def parse_csv(path: Path, options: Options) -> ParseResult:
    text = read_text(path)
    out = Collector(path, options)
    for line, row in _csv_rows(path, text):
        if options.limit is not None and out.count >= options.limit:
            break
        _add(out, line, "", _lookup(row, options), options)
    if not out.count and not out.warnings and not text.strip():
        raise ContentError("the file is empty; expected a header row and one row per paper", path)
    return out.result()


def parse_jsonl(path: Path, options: Options) -> ParseResult:
    out = Collector(path, options)
    for number, item in json_objects(path, out):
        _add(out, number, "", _lookup(item, options), options)
    return out.result()
