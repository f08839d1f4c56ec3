"""content/ into a Site. Every problem in every file is collected before failing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from . import frontmatter
from .arxiv_subjects import split_subjects
from .config import Config
from .errors import ContentError, Diagnostic, SiteError, raise_collected, suggestion
from .model import ABSTRACT_FORMATS, LINK_KINDS, Link, Paper
from .schema import DATE, IDENTIFIER, SLUG, Key, Kind, check_mapping
from .yamlutil import type_name


def _links(name: str, value: object) -> tuple[tuple[str, ...], object]:
    """[{url, kind}] (or bare URLs) into Links: http(s) only, a known kind; each bad entry named."""
    if not isinstance(value, list):
        return (f"{name} must be a list of {{url, kind}} entries, got {type_name(value)}",), None
    problems: list[str] = []
    links: list[Link] = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            problems.append(f"{name}[{i}] must have a 'url', got {item!r}"[:200])
            continue
        url = item["url"].strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            problems.append(f"{name}[{i}].url must be an http(s) URL, got {url!r}"[:200])
            continue
        kind = item.get("kind", "other")
        if kind not in LINK_KINDS:
            problems.append(
                f"{name}[{i}].kind must be one of {', '.join(LINK_KINDS)}, got {kind!r}"[:200]
                + suggestion(str(kind), LINK_KINDS)
            )
            continue
        links.append(Link(url=url, kind=kind))
    return tuple(problems), tuple(links)


LINKS = Kind("list of {url, kind}", _links)
MAX_TOPICS_IN_FILE = 10

# Every front matter key, once: its type, range, default and what it is for (docs/content.md
# lists the same). load_paper checks a file against these and nothing else.
FRONT_MATTER: tuple[Key, ...] = (
    Key("title", str, None, "the paper's title (required)", required=True),
    Key("date", DATE, None, "publication or listing date, YYYY-MM-DD (required)", required=True),
    Key("slug", SLUG, None, "the URL name, papers/<slug>/; default: the file name"),
    Key("authors", list, (), "author names, in order"),
    Key(
        "topics",
        list,
        (),
        "topic names; written here they win over the taxonomy",
        high=MAX_TOPICS_IN_FILE,
    ),
    Key("links", LINKS, (), "[{url, kind}]: code, project, demo, dataset, pdf, video, other"),
    Key("arxiv", IDENTIFIER, None, "arXiv id, quoted: '2403.01230'"),
    Key("doi", IDENTIFIER, None, "DOI, quoted"),
    Key("source", str, None, "where the paper came from (the ingested file)"),
    Key(
        "format",
        str,
        "markdown",
        "the abstract's format: markdown or text",
        choices=ABSTRACT_FORMATS,
    ),
    Key("venue", str, None, "where it was published or accepted"),
    Key("categories", list, (), "the source's subject categories (e.g. arXiv's cs.LG)"),
    Key("keywords", list, (), "the source's keywords; help the taxonomy pick topics"),
    Key("openreview", IDENTIFIER, None, "OpenReview forum id, quoted"),
)
KNOWN_KEYS = tuple(k.name for k in FRONT_MATTER)


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


def _text(value: object) -> str | None:
    """Text as the model keeps it: stripped, and None when there is none."""
    return (str(value).strip() or None) if value is not None else None


def load_paper(path: Path, label: str) -> tuple[Paper, tuple[Diagnostic, ...]]:
    """One content file into a Paper and its warnings; raises ContentError (or ErrorList) with
    every problem of the file, each at its key's line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", label) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ContentError(f"not UTF-8 text (byte offset {exc.start})", label, line) from None
    meta, lines, body, body_line = frontmatter.split(text, label)
    # Only a near miss of a known key is reported (a typo); other keys are the user's own data.
    values, found = check_mapping(
        meta,
        FRONT_MATTER,
        lambda key: (label, lines.get(key, 1)),
        unknown="warn-typo",
        what="front matter key",
    )
    slug = values["slug"]
    if slug is None:  # the file name is the slug then: it must be one too
        problems, slug = SLUG.check("the file name (the slug, as there is no slug: key)", path.stem)
        for problem in problems:
            found.error(problem, label, 1)
    if not body.strip():
        found.warn("no abstract below the front matter", label, body_line)
    problems = sorted(found.errors, key=lambda d: d.line or 0)  # stable: file order within a line
    if problems:
        raise_collected([ContentError.of(d) for d in problems])  # type: ignore[misc]
    title, date = _text(values["title"]), values["date"]
    assert title is not None and isinstance(date, dt.date) and isinstance(slug, str)
    topics: tuple[str, ...] = values["topics"]  # type: ignore[assignment]
    # A keyword naming an arXiv subject ("Computer Science - Machine Learning", as files
    # ingested before ingest read them so still hold) is that category.
    keywords, categories = split_subjects(values["keywords"], values["categories"])  # type: ignore[arg-type]
    paper = Paper(
        slug=slug,
        title=" ".join(title.split()),
        date=date,
        abstract=body,
        authors=values["authors"],  # type: ignore[arg-type]
        topics=topics,
        links=values["links"],  # type: ignore[arg-type]
        arxiv=values["arxiv"],  # type: ignore[arg-type]
        doi=values["doi"],  # type: ignore[arg-type]
        source=_text(values["source"]),
        venue=_text(values["venue"]),
        categories=categories,
        keywords=keywords,
        openreview=values["openreview"],  # type: ignore[arg-type]
        path=path,
        topics_from_file="topics" in meta and bool(topics),
        format=str(values["format"]),
        title_line=lines.get("title"),
        abstract_line=body_line,
    )
    return paper, found.warnings


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
