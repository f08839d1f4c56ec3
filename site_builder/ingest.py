"""Source records into content files: slugs, dedupe, topics, and a merge that never
overwrites what a user edited by hand.

Which files ingest wrote, and the hash of the bytes it wrote, are kept in
``content/.ingest-state.json``. A file whose bytes no longer match that hash was edited by hand
and is kept; a file that ingest wrote and the user deleted is not brought back. A file with no
record (the state was lost, or the user wrote it) is treated as hand-made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import frontmatter
from .config import Config
from .errors import ContentError, SiteError, Warn
from .links import find_arxiv_id, find_links
from .slugs import make_slug, with_suffix
from .sources import Record, daily_papers
from .taxonomy import assign_topics, load_taxonomy

STATE_NAME = ".ingest-state.json"
FORMATS = ("daily-papers",)


@dataclass
class IngestReport:
    source: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # messages naming both lines
    renamed: list[str] = field(default_factory=list)  # slug collisions resolved by a suffix
    warnings: list[Warn] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.kept_edited)} kept (edited by hand), "
            f"{len(self.kept_deleted)} kept deleted, {len(self.duplicates)} duplicate(s), "
            f"{len(self.warnings)} warning(s)"
        )


def title_key(title: str) -> str:
    """What makes two titles the same paper: case and spacing don't count."""
    return " ".join(title.casefold().split())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_state(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        papers = data["papers"]
        if not isinstance(papers, dict):
            raise TypeError
        return {
            str(k): {"slug": str(v["slug"]), "sha256": str(v["sha256"])} for k, v in papers.items()
        }
    except (ValueError, KeyError, TypeError):
        raise ContentError(
            "ingest state is damaged; delete it to treat every existing file as hand-edited",
            path,
        ) from None


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


def render_record(record: Record, slug: str, topics: tuple[str, ...], source: str) -> bytes:
    """The content file ingest writes for a record: front matter, blank line, abstract."""
    meta: dict[str, Any] = {
        "title": record.title,
        "date": record.date,
        "slug": slug,
        "authors": list(record.authors),
        "topics": list(topics),
    }
    links = find_links(record.abstract)
    if links:
        meta["links"] = [{"url": link.url, "kind": link.kind} for link in links]
    arxiv = find_arxiv_id(record.abstract)
    if arxiv:
        meta["arxiv"] = arxiv
    meta["source"] = source
    meta["format"] = "text"  # a dump's abstract is plain text, not Markdown (docs/content.md)
    return frontmatter.dump(meta, record.abstract).encode("utf-8")


def ingest(
    source: Path, config: Config, *, year: int | None = None, today: dt.date | None = None
) -> IngestReport:
    """Parse ``source`` and merge its papers into ``content/papers/``. Writes nothing on error."""
    today = today or dt.date.today()
    parsed = daily_papers.parse(source, year or config.year or today.year, today=today)
    taxonomy = load_taxonomy(config.topics_file)
    papers_dir = config.papers_dir
    state_path = config.content_dir / STATE_NAME
    state = _read_state(state_path)
    report = IngestReport(source=source, warnings=list(parsed.warnings))
    name = source.name

    slug_owner: dict[str, str] = {entry["slug"]: key for key, entry in state.items()}
    first_seen: dict[str, Record] = {}
    planned: list[tuple[str, Record]] = []  # (key, record) in source order
    for record in parsed.records:
        key = title_key(record.title)
        earlier = first_seen.get(key)
        if earlier is not None:
            if " ".join(earlier.abstract.split()) == " ".join(record.abstract.split()):
                report.duplicates.append(
                    f"{name}:{record.line}: duplicate of the paper on line {earlier.line} "
                    f"({record.title[:60]!r}); kept one"
                )
                continue
            # Same title, different abstract: a different paper, told apart by its number.
            n = 2
            while f"{key}#{n}" in first_seen:
                n += 1
            key = f"{key}#{n}"
            report.warnings.append(
                Warn(
                    f"same title as the paper on line {earlier.line} but a different abstract; "
                    "kept both",
                    name,
                    record.line,
                )
            )
        first_seen[key] = record
        planned.append((key, record))

    writes: list[tuple[Path, bytes]] = []
    for key, record in planned:
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
                    f"{name}:{record.line}: slug '{base}' is taken; this paper is '{slug}'"
                )
        slug_owner[slug] = key
        path = papers_dir / f"{slug}.md"
        topics = assign_topics(record.title, record.abstract, taxonomy, config.max_topics)
        data = render_record(record, slug, topics, name)
        rel = (
            str(path.relative_to(config.site_dir))
            if path.is_relative_to(config.site_dir)
            else str(path)
        )
        if not path.exists():
            if entry is not None:
                report.kept_deleted.append(rel)
                continue
            writes.append((path, data))
            report.added.append(rel)
        else:
            current = path.read_bytes()
            if current == data:
                report.unchanged.append(rel)
            elif entry is not None and entry["sha256"] == _sha(current):
                writes.append((path, data))
                report.updated.append(rel)
            else:
                report.kept_edited.append(rel)
                continue
        state[key] = {"slug": slug, "sha256": _sha(data)}

    for path, data in writes:
        _write_atomic(path, data)
    if writes or not state_path.exists() or report.unchanged:
        state_json = json.dumps(
            {"version": 1, "papers": dict(sorted(state.items()))}, indent=1, ensure_ascii=False
        )
        new_state = (state_json + "\n").encode("utf-8")
        if not state_path.exists() or state_path.read_bytes() != new_state:
            _write_atomic(state_path, new_state)
    return report
