"""Input formats. Each module turns one source file into records for ingest.

A format module exposes ``NAME``, ``sniff(head: str) -> bool`` (does the start of a file look
like this format?) and ``parse(path: Path, options: Options) -> ParseResult``. The registry
(``sources.registry``) picks one by content; adding a format touches only its module, its tests
and the registry's list.

Every problem is an ``errors.Diagnostic`` naming the file as it was given (ingest gives it
relative to where the user ran) with a line, or, in JSON, a place such as ``$[2].paper``:
errors are raised (``ContentError``), warnings returned in ``ParseResult.warnings``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..arxiv_subjects import split_subjects
from ..errors import ContentError, Diagnostic, Warn
from ..model import Link
from .clean import arxiv_month


@dataclass(frozen=True, slots=True)  # slots: 100k records without a dict each
class Record:
    """One paper as a source file gives it, before it becomes a content file."""

    title: str
    abstract: str
    date: dt.date
    line: int  # where the record starts in the source file (1 for whole-file JSON)
    authors: tuple[str, ...] = ()
    arxiv: str | None = None  # without version, e.g. '2403.01234' or 'hep-th/9901001'
    doi: str | None = None  # normalised: lower case, no 'https://doi.org/' prefix
    openreview: str | None = None  # the note id
    links: tuple[Link, ...] = ()
    venue: str | None = None
    categories: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # Where the record came from, not what it says: left out of equality, like line numbers.
    origin: str = field(default="", compare=False)  # the file, as messages name it
    place: str = field(default="", compare=False)  # in JSON, its path: '$[2].paper'
    source: str = field(default="", compare=False)  # the file's name, written as `source:`

    @property
    def where(self) -> str:
        """Where it is, as messages say it: 'file:12' or 'file: $[2].paper'."""
        return Diagnostic(
            "", self.origin, None if self.place else self.line, place=self.place
        ).location

    def at(self) -> dict[str, object]:
        """Its place as Diagnostic arguments: ``Diagnostic(message, **record.at())``."""
        return {"path": self.origin, "line": None if self.place else self.line, "place": self.place}


@dataclass(frozen=True)
class ParseResult:
    records: tuple[Record, ...]
    warnings: tuple[Diagnostic, ...] = field(default=())


@dataclass(frozen=True)
class Options:
    """What a user can tell a parser from the command line."""

    year: int  # for dates written without a year (the dump's 'Mar 11')
    today: dt.date  # for records with no date at all
    category: tuple[str, ...] = ()  # keep only records in one of these categories (prefix match)
    since: dt.date | None = None  # keep only records dated on or after this day
    limit: int | None = None  # stop after this many records kept
    columns: tuple[tuple[str, str], ...] = ()  # CSV / JSON Lines: (field, column) overrides
    # When set, each record is handed here as it is read instead of being kept in the result:
    # ingest plans a 1 GB slice without holding every parsed record at once.
    sink: Callable[[Record], None] | None = field(default=None, compare=False)


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """A source file's bytes (the first ``limit`` of them); an unreadable file is an error
    that says why."""
    try:
        with path.open("rb") as fh:
            return fh.read() if limit is None else fh.read(limit)
    except FileNotFoundError:
        raise ContentError("no such file", path) from None
    except IsADirectoryError:
        raise ContentError("is a folder, not a file", path) from None
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", path) from None


def read_text(path: Path) -> str:
    """Read a source file as UTF-8 (BOM allowed); bad bytes become an error with line and offset."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} (offset {exc.start})",
            path,
            line,
            column=column,
            hint="save the file as UTF-8 and try again",
        ) from None


class Collector:
    """Builds records for one file: skips title-less ones and dates undated ones, with a warning
    naming where each is (``file:line`` or ``file: <JSON path>``)."""

    def __init__(self, path: Path, options: Options):
        self.name = path.name
        self.origin = str(path)
        self.options = options
        self.records: list[Record] = []
        self.warnings: list[Diagnostic] = []
        self.count = 0  # records added, kept or sunk (what --limit counts)

    def warn(self, message: str, line: int | None, place: str = "") -> None:
        self.warnings.append(Warn(message, self.origin, line, place=place))

    def add(
        self,
        *,
        line: int | None,
        place: str = "",
        title: str,
        date: dt.date | None,
        **fields: object,
    ) -> Record | None:
        """Add a record (``line`` for line-based formats, ``place`` a JSON path or record number);
        returns None when it was skipped."""
        if not title:
            self.warn("no title; skipped", line, place)
            return None
        if date is None:
            month = arxiv_month(fields.get("arxiv"))  # type: ignore[arg-type]
            if month is not None:
                date = month
                self.warn(
                    f"no date; dated {date.isoformat()}, the month of its arXiv id", line, place
                )
            else:
                date = self.options.today
                self.warn(f"no date; dated {date.isoformat()}", line, place)
        # Subject names a reference manager put among the keywords are arXiv categories.
        keywords, categories = split_subjects(
            fields.pop("keywords", ()),  # type: ignore[arg-type]
            fields.pop("categories", ()),  # type: ignore[arg-type]
        )
        record = Record(
            title=title,
            date=date,
            keywords=keywords,
            categories=categories,
            line=line or 1,
            origin=self.origin,
            place="" if line is not None else place,
            source=self.name,
            **fields,  # type: ignore[arg-type]
        )
        if self.options.sink is not None:
            self.options.sink(record)
            self.count += 1
        else:
            self.records.append(record)
            self.count += 1
        return record

    def result(self) -> ParseResult:
        return ParseResult(tuple(self.records), tuple(self.warnings))


def links_of(*pairs: tuple[str, object]) -> tuple[Link, ...]:
    """(kind, url) pairs into links, skipping empty or non-http(s) URLs and repeats. The arXiv
    abstract page is not a link here: the content file's ``arxiv:`` key carries it."""
    out: list[Link] = []
    for kind, url in pairs:
        if isinstance(url, str):
            url = url.strip()
            if url.startswith(("https://", "http://")) and all(x.url != url for x in out):
                out.append(Link(url=url, kind=kind))
    return tuple(out)
