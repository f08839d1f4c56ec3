"""The arXiv metadata snapshot (Kaggle ``arxiv-metadata-oai-snapshot.json``): JSON Lines with
``id``, ``authors`` (one string) and ``authors_parsed`` ([last, first, suffix]), ``title``,
``abstract``, ``categories`` (space-separated), ``versions``, ``update_date``, ``doi``,
``journal-ref``. Streamed line by line; ``--category``, ``--since`` and ``--limit`` choose a slice,
so memory holds only the records kept."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ContentError
from . import Collector, Options, ParseResult
from .clean import arxiv_id, doi, iso_date, one_line, paragraphs

NAME = "arxiv-snapshot"


def sniff(head: str) -> bool:
    first = head.lstrip().split("\n", 1)[0]
    return (first.startswith("{") and '"authors_parsed"' in first) or (
        first.startswith("{") and '"versions"' in first and '"categories"' in first
    )


def stream_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) for each non-blank line, read in chunks: a 1 GB file never sits in
    memory. Bad UTF-8 is an error naming the line."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", path) from None
    with fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ContentError(
                    f"not UTF-8 text: byte 0x{raw[exc.start]:02x}",
                    path,
                    number,
                    column=exc.start + 1,
                    hint="save the file as UTF-8 and try again",
                ) from None
            if line.strip():
                yield number, line


def load_line(path: Path, number: int, line: str) -> Any:
    try:
        return json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        raise ContentError(f"not valid JSON: {exc.msg}", path, number, column=exc.colno) from None


def json_objects(path: Path, out: Collector) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each JSON object line, until ``--limit`` papers are kept;
    a line holding anything else is a warning naming it."""
    for number, line in stream_lines(path):
        if out.options.limit is not None and out.count >= out.options.limit:
            return
        item = load_line(path, number, line)
        if not isinstance(item, dict):
            out.warn("not a JSON object; skipped", number)
            continue
        yield number, item


def _name(parts: Any) -> str:
    if isinstance(parts, list) and parts and all(isinstance(p, str) for p in parts):
        last, first, suffix = ([*parts, "", "", ""])[:3]
        return one_line(" ".join(p for p in (first, last, suffix) if p))
    return ""


def _first_version_date(versions: Any) -> dt.date | None:
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        created = versions[0].get("created")
        if isinstance(created, str):
            try:
                return dt.datetime.strptime(created, "%a, %d %b %Y %H:%M:%S %Z").date()
            except ValueError:
                return None
    return None


def keep(categories: tuple[str, ...], date: dt.date | None, options: Options) -> bool:
    """The --category (any of them, 'cs' matches 'cs.LG') and --since filters."""
    if options.category and not any(
        c == want or c.startswith(want + ".") or c.startswith(want + "-")
        for c in categories
        for want in options.category
    ):
        return False
    return not (options.since and (date is None or date < options.since))


def parse(path: Path, options: Options) -> ParseResult:
    out = Collector(path, options)
    for number, item in json_objects(path, out):
        categories = tuple(str(item.get("categories") or "").split())
        date = _first_version_date(item.get("versions")) or iso_date(item.get("update_date"))
        if not keep(categories, date, options):
            continue
        parsed = item.get("authors_parsed")
        if isinstance(parsed, list) and parsed:
            authors = tuple(n for n in map(_name, parsed) if n)
        else:
            authors = tuple(
                one_line(a)
                for a in str(item.get("authors") or "").replace(" and ", ",").split(",")
                if a.strip()
            )
        aid = arxiv_id(str(item.get("id") or ""))
        venue = item.get("journal-ref")
        out.add(
            line=number,
            title=one_line(str(item.get("title") or "")),
            abstract=paragraphs(str(item.get("abstract") or "")),
            date=date,
            authors=authors,
            arxiv=aid,
            doi=doi(str(item.get("doi") or "")),
            venue=one_line(venue) if isinstance(venue, str) and venue.strip() else None,
            categories=categories,
        )
    return out.result()
