"""Input formats. Each parser turns one source file into records for ingest."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError, Warn


@dataclass(frozen=True)
class Record:
    """One paper as a source file gives it, before it becomes a content file."""

    title: str
    abstract: str
    date: dt.date
    line: int  # where the title stands in the source file
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParseResult:
    records: tuple[Record, ...]
    warnings: tuple[Warn, ...] = field(default=())


def read_text(path: Path) -> str:
    """Read a source file as UTF-8 (BOM allowed); bad bytes become an error with line and offset."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ContentError("no such file", path) from None
    except IsADirectoryError:
        raise ContentError("is a folder, not a file", path) from None
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ContentError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column} "
            f"(offset {exc.start}); save the file as UTF-8 and try again",
            path,
            line,
        ) from None
