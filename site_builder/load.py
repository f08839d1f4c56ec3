"""content/ into a Site. Every problem in every file is collected before failing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import frontmatter
from .config import Config
from .errors import ContentError, Diagnostic, SiteError, Warn, raise_collected, suggestion
from .model import ABSTRACT_FORMATS, LINK_KINDS, Link, Paper
from .schema import Key, check_mapping
from .slugs import is_valid_slug
from .yamlutil import type_name

# Every front matter key, once, with what it is for (docs/content.md lists the same).
# Kinds marked ``object`` get their own checks in _Fields (dates, links, identifiers).
FRONT_MATTER: tuple[Key, ...] = (
    Key("title", object, None, "the paper's title (required)"),
    Key("date", object, None, "publication or listing date, YYYY-MM-DD (required)"),
    Key("slug", object, None, "the URL name, papers/<slug>/; default: the file name"),
    Key("authors", list, (), "author names, in order"),
    Key("topics", list, (), "topic names; written here they win over the taxonomy"),
    Key("links", object, (), "[{url, kind}]: code, project, demo, dataset, pdf, video, other"),
    Key("arxiv", object, None, "arXiv id, quoted: '2403.01230'"),
    Key("doi", object, None, "DOI, quoted"),
    Key("source", object, None, "where the paper came from (the ingested file)"),
    Key("format", object, "markdown", "the abstract's format: markdown or text"),
    Key("venue", object, None, "where it was published or accepted"),
    Key("categories", list, (), "the source's subject categories (e.g. arXiv's cs.LG)"),
    Key("keywords", list, (), "the source's keywords; help the taxonomy pick topics"),
    Key("openreview", object, None, "OpenReview forum id, quoted"),
)
KNOWN_KEYS = tuple(k.name for k in FRONT_MATTER)
MAX_TOPICS_IN_FILE = 10


def content_files(papers_dir: Path) -> list[Path]:
    """Paper files in a stable order; hidden files and editor leftovers are skipped."""
    if not papers_dir.is_dir():
        return []
    return sorted(
        p
        for p in papers_dir.rglob("*.md")
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(papers_dir).parts)
    )


class _Fields:
    """Reads typed values out of one file's front matter, collecting errors with lines."""

    def __init__(self, path: Path, label: str, meta: dict[str, Any], lines: dict[str, int]):
        self.path, self.label, self.meta, self.lines = path, label, meta, lines
        self.errors: list[SiteError] = []

    def fail(self, key: str, message: str) -> None:
        self.errors.append(ContentError(message, self.label, self.lines.get(key, 1)))

    def identifier(self, key: str) -> str | None:
        """arXiv ids and DOIs: YAML reads `2403.01230` as a number and drops the last 0."""
        value = self.meta.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self.fail(key, f"{key} must be quoted text, e.g. {key}: '{value}'")
            return None
        return self.text(key)

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.meta.get(key)
        if value is None:
            if required:
                self.fail(key, f"'{key}' is required")
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # `arxiv: 2403.01234` reads as a number in YAML
        if not isinstance(value, str):
            self.fail(key, f"{key} must be text, got {type_name(value)}")
            return None
        value = value.strip()
        if required and not value:
            self.fail(key, f"'{key}' must not be empty")
        return value or None

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"{key} must be a list of strings, got {value!r}"[:200])
            return ()
        items = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
        return items

    def date(self, key: str) -> dt.date | None:
        value = self.meta.get(key)
        if value is None:
            self.fail(key, f"'{key}' is required (YYYY-MM-DD)")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                pass
        self.fail(key, f"{key} must be a date like 2024-03-11, got {value!r}")
        return None

    def links(self, key: str) -> tuple[Link, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(key, f"{key} must be a list of {{url, kind}} entries, got {type_name(value)}")
            return ()
        links: list[Link] = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                item = {"url": item}
            if not isinstance(item, dict) or not isinstance(item.get("url"), str):
                self.fail(key, f"{key}[{i}] must have a 'url', got {item!r}"[:200])
                continue
            url = item["url"].strip()
            parts = urlsplit(url)
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                self.fail(key, f"{key}[{i}].url must be an http(s) URL, got {url!r}"[:200])
                continue
            kind = item.get("kind", "other")
            if kind not in LINK_KINDS:
                self.fail(
                    key,
                    f"{key}[{i}].kind must be one of {', '.join(LINK_KINDS)}, got {kind!r}"
                    f"{suggestion(str(kind), LINK_KINDS)}",
                )
                continue
            links.append(Link(url=url, kind=kind))
        return tuple(links)


def load_paper(path: Path, label: str) -> tuple[Paper, tuple[Diagnostic, ...]]:
    """One content file into a Paper and its warnings; raises ContentError (or ErrorList)."""
    warnings: list[Diagnostic] = []
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", label) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ContentError(f"not UTF-8 text (byte offset {exc.start})", label, line) from None
    meta, lines, body, _body_line = frontmatter.split(text, label)
    fields = _Fields(path, label, meta, lines)
    # Only a near miss of a known key is reported (a typo); other keys are the user's own data.
    # Types of the keys are checked by _Fields below, which keeps their historical messages.
    _values, found = check_mapping(
        {k: None for k in meta},
        FRONT_MATTER,
        lambda key: (label, lines.get(key)),
        unknown="warn-typo",
        what="front matter key",
    )
    warnings.extend(found.warnings)
    title = fields.text("title", required=True)
    date = fields.date("date")
    slug = fields.text("slug") or path.stem
    if not is_valid_slug(slug):
        fields.fail(
            "slug",
            f"slug must be lowercase letters, digits and '-' (it becomes a URL), got {slug!r}"[
                :200
            ],
        )
    topics = fields.text_list("topics")
    if len(topics) > MAX_TOPICS_IN_FILE:
        fields.fail("topics", f"a paper can have at most {MAX_TOPICS_IN_FILE} topics")
    paper_links = fields.links("links")
    authors = fields.text_list("authors")
    arxiv = fields.identifier("arxiv")
    doi = fields.identifier("doi")
    source = fields.text("source")
    venue = fields.text("venue")
    categories = fields.text_list("categories")
    keywords = fields.text_list("keywords")
    openreview = fields.identifier("openreview")
    body_format = fields.text("format") or "markdown"
    if body_format not in ABSTRACT_FORMATS:
        fields.fail(
            "format",
            f"format must be one of {', '.join(ABSTRACT_FORMATS)}, got {body_format!r}"[:200]
            + suggestion(body_format, ABSTRACT_FORMATS),
        )
    if not body.strip():
        warnings.append(Warn("no abstract below the front matter", label, _body_line))
    raise_collected(fields.errors)
    assert title is not None and date is not None
    paper = Paper(
        slug=slug,
        title=" ".join(title.split()),
        date=date,
        abstract=body,
        authors=authors,
        topics=topics,
        links=paper_links,
        arxiv=arxiv,
        doi=doi,
        source=source,
        venue=venue,
        categories=categories,
        keywords=keywords,
        openreview=openreview,
        path=path,
        topics_from_file="topics" in meta and bool(topics),
        format=body_format,
        title_line=lines.get("title"),
        abstract_line=_body_line,
    )
    return paper, tuple(warnings)


ParseFile = Callable[[Path, str], tuple[Paper, tuple[Diagnostic, ...]]]


def load_papers(
    config: Config, parse: ParseFile | None = None
) -> tuple[tuple[Paper, ...], tuple[Diagnostic, ...]]:
    """All papers, newest first (then by title); all errors of all files raised together.

    ``parse`` reads one file (default: load_paper); the build passes one that reuses what it
    parsed last time for files whose bytes did not change.
    """
    parse = parse or load_paper
    errors: list[SiteError] = []
    warnings: list[Diagnostic] = []
    papers: list[Paper] = []
    by_slug: dict[str, str] = {}
    for path in content_files(config.papers_dir):
        label = _label(path, config.site_dir)
        try:
            paper, found = parse(path, label)
        except SiteError as exc:
            errors.extend(getattr(exc, "errors", (exc,)))
            continue
        warnings.extend(found)
        if paper.slug in by_slug:
            errors.append(
                ContentError(f"slug '{paper.slug}' is also used by {by_slug[paper.slug]}", label, 1)
            )
            continue
        by_slug[paper.slug] = label
        papers.append(paper)
    raise_collected(errors)
    papers.sort(key=lambda p: (-p.date.toordinal(), p.title.casefold(), p.slug))
    return tuple(papers), tuple(warnings)


def _label(path: Path, site_dir: Path) -> str:
    """How a file is named in messages: relative to the site when it is inside it."""
    try:
        return str(path.relative_to(site_dir))
    except ValueError:
        return str(path)
