"""The daily-papers dump: header lines, date lines such as ``Mar 11``, then per paper a title
line, a blank line and an abstract paragraph (which may span lines)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from ..errors import ContentError, Diagnostic, Warn
from . import Options, ParseResult, Record, read_text

# Page chrome that the dump carries before the first paper; matched on the whole line.
_HEADER_LINES = (
    re.compile(r"new", re.I),
    re.compile(r"get trending papers.*", re.I),
    re.compile(r"subscribe", re.I),
    re.compile(r"by\s*ak\b.*", re.I),
    re.compile(r"daily papers", re.I),
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_DATE_LINE = re.compile(r"([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")
_ISO_DATE_LINE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# A title is one line; anything longer is taken as more abstract (titles are rarely this long).
_MAX_TITLE = 300


def _clean(line: str) -> str:
    """Normalise a line: NFC, no control characters, single spaces."""
    line = unicodedata.normalize("NFC", line)
    line = "".join(" " if unicodedata.category(c) in ("Cc", "Zs") else c for c in line)
    line = "".join(c for c in line if unicodedata.category(c) != "Cf" or c in "\u200d")
    return " ".join(line.split())


def parse_date_line(line: str, year: int) -> dt.date | None:
    """`Mar 11`, `March 11, 2024` or `2024-03-11` as a date; None when the line is not one."""
    m = _ISO_DATE_LINE.fullmatch(line)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    m = _DATE_LINE.fullmatch(line)
    if not m or m[1].lower() not in _MONTHS:
        return None
    try:
        return dt.date(int(m[3]) if m[3] else year, _MONTHS[m[1].lower()], int(m[2]))
    except ValueError:
        return None


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the 1-based line number it starts on."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _clean(raw)
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def parse(path: Path, year: int, today: dt.date | None = None) -> ParseResult:
    """Parse a dump. Papers before any date line get ``today`` (with a warning)."""
    text = read_text(path)
    name, origin = path.name, str(path)
    warnings: list[Diagnostic] = []
    records: list[Record] = []
    date: dt.date | None = None
    seen_paper = False
    pending_title: tuple[int, str] | None = None
    abstract: list[str] = []

    def finish() -> None:
        nonlocal pending_title, abstract
        if pending_title is None:
            return
        line, title = pending_title
        if abstract:
            when = date
            if when is None:
                when = today or dt.date.today()
                warnings.append(
                    Warn(f"no date line before this paper; dated {when.isoformat()}", origin, line)
                )
            records.append(
                Record(
                    title=title,
                    abstract="\n\n".join(abstract),
                    date=when,
                    line=line,
                    origin=origin,
                    source=name,
                )
            )
        else:
            warnings.append(Warn(f"title {title[:60]!r} has no abstract; skipped", origin, line))
        pending_title, abstract = None, []

    blocks = _blocks(text)
    for index, (start, lines) in enumerate(blocks):
        joined = " ".join(lines)
        if not seen_paper and len(lines) == 1 and any(p.fullmatch(joined) for p in _HEADER_LINES):
            continue
        if len(lines) == 1:
            when = parse_date_line(joined, year)
            if when is not None:
                finish()
                date = when
                continue
        looks_like_title = len(lines) == 1 and len(joined) <= _MAX_TITLE
        if pending_title is not None and not abstract:
            if looks_like_title and _is_abstract(blocks, index + 1):
                # Title, title, long paragraph: the first title lost its abstract.
                finish()
                pending_title = (start, joined)
                continue
            abstract = [joined]  # whatever else follows a title is its abstract
            continue
        if pending_title is not None and abstract and not looks_like_title:
            abstract.append(joined)  # a further paragraph of the same abstract
            continue
        finish()
        if not looks_like_title:
            warnings.append(Warn("text with no title before it; skipped", origin, start))
            continue
        pending_title = (start, joined)
        seen_paper = True
    finish()
    if not records:
        if not text.strip():
            raise ContentError("the file is empty; expected a daily-papers dump", path)
        raise ContentError(
            "no papers found; expected a title line, a blank line and an abstract paragraph",
            path,
            1,
        )
    return ParseResult(tuple(records), tuple(warnings))


def _is_abstract(blocks: list[tuple[int, list[str]]], index: int) -> bool:
    """Does the block at ``index`` read as an abstract (several lines, or longer than a title)?"""
    if index >= len(blocks):
        return False
    lines = blocks[index][1]
    return len(lines) > 1 or len(lines[0]) > _MAX_TITLE


NAME = "daily-papers"


def sniff(head: str) -> bool:
    """The fallback: any text that no structured format claimed."""
    return True


def parse_source(path: Path, options: Options) -> ParseResult:
    return parse(path, options.year, today=options.today)
