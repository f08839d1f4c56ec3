"""Source records into content files: one paper, one file; a merge that never overwrites what a
user edited by hand.

Which files ingest wrote, and the hash of the bytes it wrote, are kept in
``content/.ingest-state.json``. A file whose bytes no longer match that hash was edited by hand
and is kept; a file that ingest wrote and the user deleted is not brought back. A file with no
record (the state was lost, or the user wrote it) is treated as hand-made.

The same paper from several records (two files in one run, or a file ingested later) is matched
by arXiv id (version dropped), then DOI, then normalised title, and merged field by field (see
``merge`` and docs/ingest.md). Topics are not written: the build assigns them, so a ``topics:``
key in a content file always means a person chose them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import frontmatter
from .config import Config
from .errors import ContentError, Diagnostic, Diagnostics, SiteError
from .links import find_arxiv_id, find_links
from .model import Link
from .slugs import make_slug, with_suffix
from .sources import Options, Record
from .sources.clean import arxiv_id as clean_arxiv
from .sources.clean import doi as clean_doi
from .sources.registry import parse_source

STATE_NAME = ".ingest-state.json"
_LIST_FIELDS = ("authors", "links", "categories", "keywords")
_SCALAR_FIELDS = ("abstract", "arxiv", "doi", "openreview", "venue")


@dataclass
class IngestReport:
    """What a run did. Files by their path in the site; merges and renames are notes
    (Diagnostics of severity "note"), each naming where in the input the paper was."""

    source: Path
    sources: list[Path] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)
    duplicates: list[Diagnostic] = field(default_factory=list)  # merges, naming both places
    renamed: list[Diagnostic] = field(default_factory=list)  # slug collisions given a suffix
    warnings: tuple[Diagnostic, ...] = ()  # as the build returns them

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.kept_edited)} kept (edited by hand), "
            f"{len(self.kept_deleted)} kept deleted, {len(self.duplicates)} merged, "
            f"{len(self.warnings)} warning(s)"
        )


def title_key(title: str) -> str:
    """What makes two titles the same paper: case and spacing don't count."""
    return " ".join(title.casefold().split())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_state(path: Path, label: str) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        papers = data["papers"]
        if not isinstance(papers, dict):
            raise TypeError
        out: dict[str, dict[str, str]] = {}
        for k, v in papers.items():
            entry = {"slug": str(v["slug"]), "sha256": str(v["sha256"])}
            for extra in ("arxiv", "doi"):
                if isinstance(v.get(extra), str):
                    entry[extra] = v[extra]
            out[str(k)] = entry
        return out
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ContentError(
            "ingest state is damaged; delete it to treat every existing file as hand-edited",
            label,
        ) from None


def _state_bytes(state: dict[str, dict[str, str]]) -> bytes:
    """The state file: the bytes json.dumps(indent=1) gives, built entry by entry, since
    json's indenting encoder is pure Python and holds every piece of a 100k-entry dump."""
    if not state:
        return b'{\n "version": 1,\n "papers": {}\n}\n'
    parts = []
    for key in sorted(state):
        entry = json.dumps(state[key], indent=1, ensure_ascii=False).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key, ensure_ascii=False)}: {entry}")
    body = ",\n".join(parts)
    return f'{{\n "version": 1,\n "papers": {{\n{body}\n }}\n}}\n'.encode()


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _existing_title(path: Path) -> str | None:
    """The title of a content file already on disk, or None if it cannot be read."""
    try:
        meta, _lines, _body, _start = frontmatter.split(path.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError, SiteError):
        return None
    title = meta.get("title")
    return title if isinstance(title, str) else None


def _slug_free(slug: str, key: str, slug_owner: dict[str, str], papers_dir: Path) -> bool:
    """Is ``slug`` free for the paper ``key``: not another paper's, not a hand-made file's?"""
    owner = slug_owner.get(slug)
    if owner is not None:
        return owner == key
    path = papers_dir / f"{slug}.md"
    if not path.exists():
        return True
    # A file ingest has no record of: it is this paper only if it has the same title.
    existing = _existing_title(path)
    return "#" not in key and existing is not None and title_key(existing) == key


# --- merging ------------------------------------------------------------------------------------


def _union(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys((*a, *b)))


def _union_links(a: tuple[Link, ...], b: tuple[Link, ...]) -> tuple[Link, ...]:
    seen = {link.url for link in a}
    return a + tuple(link for link in b if link.url not in seen and not seen.add(link.url))


def merge(base: Record, new: Record, *, replace_fields: bool = False) -> Record:
    """``base`` and ``new`` describe one paper: the merge rule (docs/ingest.md).

    Title, date and source stay ``base``'s. Abstract, arXiv id, DOI, OpenReview id and venue
    stay ``base``'s when it has them and are filled from ``new`` when it does not; authors are
    ``base``'s unless it has none. Links, categories and keywords are unioned, ``base``'s first.
    With ``replace_fields`` (a newer export of the same source file) ``new``'s non-empty values
    win instead, so an updated abstract flows through.
    """
    first, second = (new, base) if replace_fields else (base, new)
    changes: dict[str, Any] = {}
    for name in _SCALAR_FIELDS:
        changes[name] = getattr(first, name) or getattr(second, name)
    changes["authors"] = first.authors or second.authors
    changes["links"] = _union_links(first.links, second.links)
    changes["categories"] = _union(first.categories, second.categories)
    changes["keywords"] = _union(first.keywords, second.keywords)
    if replace_fields:
        changes["title"], changes["date"] = new.title, new.date
    return replace(base, **changes)


def _same_paper(a: Record, b: Record) -> str | None:
    """Why ``a`` and ``b`` are one paper ('arXiv id …', 'DOI …', 'title'), or None."""
    if a.arxiv and b.arxiv:
        return f"arXiv id {a.arxiv}" if a.arxiv == b.arxiv else None
    if a.doi and b.doi:
        return f"DOI {a.doi}" if a.doi == b.doi else None
    if title_key(a.title) != title_key(b.title):
        return None
    if (
        a.source == b.source
        and a.abstract
        and b.abstract
        and " ".join(a.abstract.split()) != " ".join(b.abstract.split())
    ):
        return None  # one list naming two papers alike: told apart below, by number
    return "title"


def _record_from_file(path: Path, rel: str, source_default: str) -> Record | None:
    """A content file that ingest wrote, read back as a record (topics dropped: they were the
    machine's, and the build assigns them now)."""
    try:
        meta, _lines, body, _start = frontmatter.split(path.read_text(encoding="utf-8"), path)
    except (OSError, UnicodeDecodeError, SiteError):
        return None
    title, date = meta.get("title"), meta.get("date")
    if not isinstance(title, str) or not isinstance(date, dt.date):
        return None

    def strs(key: str) -> tuple[str, ...]:
        value = meta.get(key)
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    def opt(key: str) -> str | None:
        value = meta.get(key)
        return str(value) if isinstance(value, str | int) and value != "" else None

    links = tuple(
        Link(url=x["url"], kind=str(x.get("kind", "other")))
        for x in meta.get("links") or []
        if isinstance(x, dict) and isinstance(x.get("url"), str)
    )
    return Record(
        title=title,
        abstract=body.strip("\n"),
        date=date,
        line=1,
        authors=strs("authors"),
        arxiv=opt("arxiv"),
        doi=opt("doi"),
        openreview=opt("openreview"),
        links=links,
        venue=opt("venue"),
        categories=strs("categories"),
        keywords=strs("keywords"),
        origin=rel,
        source=opt("source") or source_default,
    )


def render_record(record: Record, slug: str) -> bytes:
    """The content file ingest writes for a record: front matter, blank line, abstract."""
    meta: dict[str, Any] = {
        "title": record.title,
        "date": record.date,
        "slug": slug,
        "authors": list(record.authors),
    }
    arxiv = record.arxiv or find_arxiv_id(record.abstract)
    for key, value in (
        ("arxiv", arxiv),
        ("doi", record.doi),
        ("openreview", record.openreview),
        ("venue", record.venue),
    ):
        if value:
            meta[key] = value
    if record.categories:
        meta["categories"] = list(record.categories)
    if record.keywords:
        meta["keywords"] = list(record.keywords)
    links = _union_links(record.links, find_links(record.abstract))
    if links:
        meta["links"] = [{"url": link.url, "kind": link.kind} for link in links]
    meta["source"] = record.source
    meta["format"] = "text"  # sources give plain text, not Markdown (docs/content.md)
    return frontmatter.dump(meta, record.abstract).encode("utf-8")


class _Planned:
    """The run's papers by state key, abstracts kept zlib-compressed: abstracts are most of a
    record, and a 100k-record slice must fit in a few hundred MB."""

    def __init__(self) -> None:
        self._records: dict[str, Record] = {}
        self._abstracts: dict[str, bytes] = {}

    def __contains__(self, key: str) -> bool:
        return key in self._records

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __setitem__(self, key: str, record: Record) -> None:
        self._abstracts[key] = zlib.compress(record.abstract.encode("utf-8"), 1)
        self._records[key] = replace(record, abstract="")

    def snapshot(self) -> list[str]:
        return list(self._records)

    def pop(self, key: str) -> Record:
        record = self.get(key)
        del self._records[key], self._abstracts[key]
        return record

    def get(self, key: str) -> Record:
        abstract = zlib.decompress(self._abstracts[key]).decode("utf-8")
        return replace(self._records[key], abstract=abstract)


def _place_in_file(record: Record) -> str:
    """Another record of the same file, as a message names it: 'on line 7', 'at $[2].paper'."""
    return f"at {record.place}" if record.place else f"on line {record.line}"


def _rel(path: Path, config: Config) -> str:
    return (
        path.relative_to(config.site_dir).as_posix()
        if path.is_relative_to(config.site_dir)
        else str(path)
    )


def shown_path(path: Path, cwd: Path | None = None) -> Path:
    """A source file as messages name it: relative to where the user ran when it is inside
    it, else as given (it opens the same either way)."""
    if not path.is_absolute():
        return path
    try:
        return path.relative_to((cwd or Path.cwd()).resolve())
    except (ValueError, OSError):
        return path


def ingest(
    sources: Path | Sequence[Path],
    config: Config,
    *,
    year: int | None = None,
    today: dt.date | None = None,
    format_name: str | None = None,
    category: Sequence[str] = (),
    since: dt.date | None = None,
    limit: int | None = None,
    columns: Sequence[tuple[str, str]] = (),
    strict: bool = False,
) -> IngestReport:
    """Parse every source and merge their papers into ``content/papers/``. Every file is
    parsed before anything is written, so an error in any of them writes nothing; with
    ``strict`` a warning is such an error too."""
    paths = [shown_path(p) for p in ([sources] if isinstance(sources, Path) else sources)]
    today = today or dt.date.today()
    options = Options(
        year=year or config.year or today.year,
        today=today,
        category=tuple(category),
        since=since,
        limit=limit,
        columns=tuple(columns),
    )
    report = IngestReport(source=paths[0], sources=paths)
    found = Diagnostics()  # warnings and notes, in the order found
    papers_dir = config.papers_dir
    state_path = config.content_dir / STATE_NAME
    state = _read_state(state_path, _rel(state_path, config))
    by_arxiv = {e["arxiv"]: k for k, e in state.items() if "arxiv" in e}
    by_doi = {e["doi"]: k for k, e in state.items() if "doi" in e}

    # One run's records grouped into papers, each under its state key, as they are read.
    # Indexes keep this linear: a 100k-record slice must not compare every pair.
    planned = _Planned()
    run_arxiv: dict[str, str] = {}
    run_doi: dict[str, str] = {}
    run_title: dict[str, list[str]] = {}

    def plan(record: Record) -> None:
        record = replace(
            record,
            arxiv=clean_arxiv(record.arxiv) or find_arxiv_id(record.abstract),
            doi=clean_doi(record.doi),
        )
        tkey = title_key(record.title)
        candidates = [
            k
            for k in (
                run_arxiv.get(record.arxiv or ""),
                run_doi.get(record.doi or ""),
                *run_title.get(tkey, ()),
            )
            if k is not None
        ]
        match = next(
            ((k, why) for k in candidates if (why := _same_paper(planned.get(k), record))), None
        )
        if match is not None:
            key, why = match
            earlier = planned.get(key)
            if why == "title" and earlier.origin == record.origin:
                report.duplicates.append(
                    Diagnostic(
                        f"duplicate of the paper {_place_in_file(earlier)} "
                        f"({record.title[:60]!r}); kept one",
                        severity="note",
                        **record.at(),  # type: ignore[arg-type]
                    )
                )
            else:
                report.duplicates.append(
                    Diagnostic(
                        f"same paper as {earlier.where} (matched by {why}); merged",
                        severity="note",
                        **record.at(),  # type: ignore[arg-type]
                    )
                )
            record = merge(earlier, record)
        else:
            key = (
                (record.arxiv and by_arxiv.get(record.arxiv))
                or (record.doi and by_doi.get(record.doi))
                or tkey
            )
            if key in planned:  # same title, a different paper: told apart by a number
                earlier = planned.get(key)
                n = 2
                while f"{tkey}#{n}" in planned:
                    n += 1
                key = f"{tkey}#{n}"
                same_file = earlier.origin == record.origin
                what = "abstract" if same_file else "identifier"
                place = _place_in_file(earlier) if same_file else f"at {earlier.where}"
                found.warn(
                    f"same title as the paper {place} but a different {what}; kept both",
                    **record.at(),  # type: ignore[arg-type]
                )
            run_title.setdefault(tkey, []).append(key)
        planned[key] = record
        if record.arxiv:
            run_arxiv.setdefault(record.arxiv, key)
        if record.doi:
            run_doi.setdefault(record.doi, key)

    streaming = replace(options, sink=plan)
    for path in paths:
        try:
            parsed = parse_source(path, streaming, format_name)
        except SiteError as exc:  # the other files are still read: every error in one run
            found.catch(exc)
            continue
        found.extend(parsed.warnings)
        for record in parsed.records:  # formats that return their records rather than sink them
            plan(record)
    # Nothing is written yet: a bad file (or, with --strict, a warning) stops the run here.
    (found.strict() if strict else found).raise_errors(ContentError)
    report.warnings = found.warnings

    slug_owner: dict[str, str] = {entry["slug"]: key for key, entry in state.items()}
    # Every source is parsed by now, so nothing below can fail on bad input: files are written
    # as they are rendered rather than held (100k rendered files would be ~150 MB).
    written = False
    for key in planned.snapshot():
        record = planned.pop(key)  # freed as written: the state grows while this shrinks
        entry = state.get(key)
        if entry is not None:
            slug = entry["slug"]
        else:
            base = make_slug(record.title)
            slug, n = base, 1
            while not _slug_free(slug, key, slug_owner, papers_dir):
                n += 1
                slug = with_suffix(base, n)
            if slug != base:
                report.renamed.append(
                    Diagnostic(
                        f"slug '{base}' is taken; this paper is '{slug}'",
                        severity="note",
                        **record.at(),  # type: ignore[arg-type]
                    )
                )
        slug_owner[slug] = key
        path = papers_dir / f"{slug}.md"
        rel = _rel(path, config)
        current = path.read_bytes() if path.exists() else None
        ours = entry is not None and current is not None and entry["sha256"] == _sha(current)
        if ours and current is not None:
            existing = _record_from_file(path, rel, record.source)
            if existing is not None:
                same_source = existing.source == record.source
                if not same_source:
                    report.duplicates.append(
                        Diagnostic(
                            f"same paper as {rel} (from {existing.source}); merged",
                            severity="note",
                            **record.at(),  # type: ignore[arg-type]
                        )
                    )
                record = merge(existing, record, replace_fields=same_source)
        data = render_record(record, slug)
        if current is None:
            if entry is not None:
                report.kept_deleted.append(rel)
                continue
            _write_atomic(path, data)
            written = True
            report.added.append(rel)
        elif current == data:
            report.unchanged.append(rel)
        elif ours:
            _write_atomic(path, data)
            written = True
            report.updated.append(rel)
        else:
            report.kept_edited.append(rel)
            continue
        new_entry = {"slug": slug, "sha256": _sha(data)}
        arxiv = record.arxiv or find_arxiv_id(record.abstract)
        if arxiv:
            new_entry["arxiv"] = arxiv
        if record.doi:
            new_entry["doi"] = record.doi
        state[key] = new_entry

    if written or not state_path.exists() or report.unchanged:
        new_state = _state_bytes(state)
        if not state_path.exists() or state_path.read_bytes() != new_state:
            _write_atomic(state_path, new_state)
    return report
