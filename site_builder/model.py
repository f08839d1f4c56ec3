"""The domain model: plain frozen data, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Kinds of link a paper can carry, in the order badges are shown.
LINK_KINDS = ("code", "project", "demo", "dataset", "pdf", "video", "other")


@dataclass(frozen=True)
class Link:
    url: str
    kind: str = "other"


@dataclass(frozen=True)
class Paper:
    slug: str
    title: str
    date: dt.date
    abstract: str  # Markdown source, as the user wrote it
    authors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()  # topic names, in the order given
    links: tuple[Link, ...] = ()
    arxiv: str | None = None
    doi: str | None = None
    source: str | None = None
    path: Path | None = None  # the content file it came from
    topics_from_file: bool = False  # True when the front matter named the topics (hand edits win)


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    description: str = ""
    paper_slugs: tuple[str, ...] = ()  # newest first


@dataclass(frozen=True)
class Site:
    papers: tuple[Paper, ...]  # newest first
    topics: tuple[Topic, ...] = field(default=())  # taxonomy order, then extra topics by name
    # paper slug -> slugs of its most similar papers, most similar first (enrich/related.py)
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def paper(self, slug: str) -> Paper:
        for p in self.papers:
            if p.slug == slug:
                return p
        raise KeyError(slug)
