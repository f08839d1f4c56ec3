"""The domain model: plain frozen data, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Kinds of link a paper can carry, in the order badges are shown.
LINK_KINDS = ("code", "project", "demo", "dataset", "pdf", "video", "other")
# How an abstract is written: Markdown by hand, or plain text from a dump (docs/content.md).
ABSTRACT_FORMATS = ("markdown", "text")


@dataclass(frozen=True)
class Link:
    url: str
    kind: str = "other"


@dataclass(frozen=True)
class Paper:
    slug: str
    title: str
    date: dt.date
    abstract: str  # the source, as the user wrote it, in `format`
    authors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # topic names, in the order given
    links: tuple[Link, ...] = ()
    arxiv: str | None = None
    doi: str | None = None
    source: str | None = None
    venue: str | None = None  # journal, conference or workshop, as the source names it
    categories: tuple[str, ...] = ()  # source categories, e.g. arXiv 'cs.LG' (topic signals)
    keywords: tuple[str, ...] = ()  # author or source keywords (topic signals)
    openreview: str | None = None  # OpenReview note id
    path: Path | None = None  # the content file it came from
    topics_from_file: bool = False  # True when the front matter named the topics (hand edits win)
    # (topic, weight) from the taxonomy's scores (taxonomy.topic_profile), for related papers;
    # empty when the front matter named the topics. Set by enrich/topics, never by a file.
    topic_weights: tuple[tuple[str, float], ...] = ()
    format: str = "markdown"  # of the abstract, one of ABSTRACT_FORMATS
    # Where the title and the abstract start in the file, for messages; not part of the value.
    title_line: int | None = field(default=None, compare=False)
    abstract_line: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str = ""
    paper_slugs: tuple[str, ...] = ()  # newest first
    area: str = ""  # slug of the taxonomy area it belongs to ("" when it has none)


@dataclass(frozen=True)
class Area:
    """A group of topics in a two-level taxonomy (e.g. 'Learning paradigms')."""

    slug: str
    name: str
    description: str = ""
    topic_slugs: tuple[str, ...] = ()  # in taxonomy order
    paper_slugs: tuple[str, ...] = ()  # every paper in any of its topics, newest first


@dataclass(frozen=True)
class Author:
    """One person, with every paper that names them (newest first)."""

    slug: str
    name: str  # the spelling shown on their page
    paper_slugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Site:
    papers: tuple[Paper, ...]  # newest first
    topics: tuple[Topic, ...] = field(default=())  # taxonomy order, then extra topics by name
    # paper slug -> slugs of its most similar papers, most similar first (enrich/related.py)
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    areas: tuple[Area, ...] = ()  # taxonomy order; empty for a one-level taxonomy
    authors: tuple[Author, ...] = ()  # by slug; empty until enrich/authors runs
    # paper slug -> the author slug of each name in its byline, in order ("" for a name with
    # no letters; one person named twice has one slug twice) (enrich/authors.py)
    paper_authors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The taxonomy's "no topic fits" topic: a paper has it, but no two papers share a subject
    # by having it (related papers ignore it).
    fallback_topic: str = ""
