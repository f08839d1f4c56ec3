"""OpenReview notes as its API returns them: ``{"notes": [...]}`` (or a bare list). API v2 wraps
each content field in ``{"value": …}`` (``content.title.value``); API v1 does not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import ContentError
from . import Collector, Options, ParseResult, links_of
from .clean import arxiv_id, doi, one_line, paragraphs, split_list
from .jsonutil import get, load_json, text

NAME = "openreview"
SITE = "https://openreview.net"


def sniff(head: str) -> bool:
    s = head.lstrip()
    return (
        s.startswith(("{", "["))
        and '"content"' in head
        and ('"forum"' in head or '"notes"' in head or '"invitation' in head)
    )


def _field(content: dict[str, Any], key: str) -> Any:
    value = content.get(key)
    if isinstance(value, dict) and "value" in value:  # API v2
        return value["value"]
    return value


def _date(note: dict[str, Any]) -> dt.date | None:
    for key in ("pdate", "odate", "cdate", "tcdate", "tmdate", "mdate"):
        ms = note.get(key)
        if isinstance(ms, int | float) and not isinstance(ms, bool) and ms > 0:
            try:
                return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).date()
            except (OverflowError, OSError, ValueError):
                continue
    return None


def parse(path: Path, options: Options) -> ParseResult:
    data = load_json(path)
    base = "$"
    if isinstance(data, dict) and isinstance(data.get("notes"), list):
        data, base = data["notes"], "$.notes"
    if not isinstance(data, list):
        raise ContentError('expected OpenReview notes: {"notes": [...]} or a list', path, 1)
    out = Collector(path, options)
    for i, note in enumerate(data):
        place = f"{base}[{i}]"
        content = get(note, "content")
        if not isinstance(content, dict):
            out.warn("no 'content' object; skipped", None, place)
            continue
        note_id = text(note.get("forum")) or text(note.get("id"))
        pdf = text(_field(content, "pdf"))
        if pdf.startswith("/"):
            pdf = SITE + pdf
        authors = _field(content, "authors")
        venue = text(_field(content, "venue"))
        out.add(
            line=None,
            place=f"{place}.content",
            title=one_line(text(_field(content, "title"))),
            abstract=paragraphs(
                text(_field(content, "abstract")) or text(_field(content, "TL;DR"))
            ),
            date=_date(note),
            authors=tuple(one_line(a) for a in authors if isinstance(a, str) and a.strip())
            if isinstance(authors, list)
            else (),
            arxiv=arxiv_id(text(_field(content, "arxiv"))) or None,
            doi=doi(text(_field(content, "doi"))),
            openreview=note_id or None,
            links=links_of(
                ("other", f"{SITE}/forum?id={note_id}" if note_id else None),
                ("pdf", pdf),
                ("code", _field(content, "code")),
            ),
            venue=one_line(venue) if venue and not venue.lower().startswith("submitted") else None,
            keywords=split_list(_field(content, "keywords")),
        )
    return out.result()
