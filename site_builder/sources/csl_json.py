"""CSL-JSON (Zotero's and Crossref's citation JSON): a list of items with ``title``,
``author[{family, given, literal}]``, ``issued.date-parts``, ``abstract`` (often JATS XML),
``DOI``, ``URL``, ``container-title``, ``keyword``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..errors import ContentError
from . import Collector, Options, ParseResult, links_of
from .clean import arxiv_id, doi, iso_date, one_line, paragraphs, split_list, strip_jats
from .jsonutil import get, load_json, text

NAME = "csl-json"


def sniff(head: str) -> bool:
    s = head.lstrip()
    if not s.startswith(("[", "{")):
        return False
    return '"date-parts"' in head or '"container-title"' in head or '"family"' in head


def _date(item: dict[str, Any]) -> dt.date | None:
    for key in ("issued", "published", "published-online", "published-print", "created"):
        parts = get(item, key, "date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                nums = [int(p) for p in parts[0][:3]]
                return dt.date(nums[0], *([*nums[1:], 1, 1])[:2])
            except (ValueError, TypeError):
                continue
        raw = get(item, key, "raw")
        if iso_date(raw):
            return iso_date(raw)
    return None


def _name(author: Any) -> str:
    if not isinstance(author, dict):
        return ""
    literal = text(author.get("literal"))
    if literal:
        return one_line(literal)
    parts = [text(author.get(k)) for k in ("given", "non-dropping-particle", "family", "suffix")]
    return one_line(" ".join(p for p in parts if p))


def _first(value: Any) -> str:
    """CSL allows a string or a list of strings for some fields (Crossref uses lists)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    return text(value)


def parse(path: Path, options: Options) -> ParseResult:
    data = load_json(path)
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data, base = data["items"], "$.items"
    elif isinstance(data, dict):
        data, base = [data], "$"
    else:
        base = "$"
    if not isinstance(data, list):
        raise ContentError("expected a JSON list of CSL items at $", path, 1)
    out = Collector(path, options)
    for i, item in enumerate(data):
        place = f"{base}[{i}]" if base != "$" or len(data) != 1 else "$"
        if not isinstance(item, dict):
            out.warn("not a CSL item (an object); skipped", None, place)
            continue
        url = _first(item.get("URL"))
        aid = arxiv_id(url) if "arxiv.org" in url else None
        number = text(item.get("number"))
        aid = aid or (arxiv_id(number) if "arxiv" in number.lower() else None)
        venue = _first(item.get("container-title")) or _first(item.get("event-title"))
        authors = item.get("author")
        out.add(
            line=None,
            place=place,
            title=one_line(strip_jats(_first(item.get("title")))),
            abstract=paragraphs(strip_jats(text(item.get("abstract")))),
            date=_date(item),
            authors=tuple(n for n in map(_name, authors) if n) if isinstance(authors, list) else (),
            arxiv=aid,
            doi=doi(text(item.get("DOI"))),
            links=links_of(("other", url if not aid else None)),
            venue=one_line(venue) or None,
            keywords=split_list(item.get("keyword")),
        )
    return out.result()
