"""The Hugging Face daily-papers API (``/api/daily_papers``): a JSON list of
``{paper: {id, title, summary, authors[].name, publishedAt, upvotes, githubRepo, projectPage,
ai_keywords}, submittedOnDailyAt, …}``."""

from __future__ import annotations

from pathlib import Path

from ..errors import ContentError
from . import Collector, Options, ParseResult, links_of
from .clean import arxiv_id, iso_date, one_line, paragraphs, split_list
from .jsonutil import get, load_json, text

NAME = "hf-daily"


def sniff(head: str) -> bool:
    s = head.lstrip()
    return (
        s.startswith("[")
        and '"paper"' in head
        and ('"submittedOnDailyAt"' in head or '"publishedAt"' in head or '"upvotes"' in head)
    )


def parse(path: Path, options: Options) -> ParseResult:
    data = load_json(path)
    if not isinstance(data, list):
        raise ContentError("expected a JSON list of daily papers at $", path, 1)
    out = Collector(path, options)
    for i, item in enumerate(data):
        place = f"$[{i}]"
        paper = get(item, "paper")
        if not isinstance(paper, dict):
            out.warn("no 'paper' object; skipped", None, place)
            continue
        pid = arxiv_id(text(paper.get("id")))
        authors = paper.get("authors")
        names = (
            tuple(
                n
                for n in (
                    one_line(text(get(a, "name"))) for a in (authors or []) if isinstance(a, dict)
                )
                if n
            )
            if isinstance(authors, list)
            else ()
        )
        out.add(
            line=None,
            place=f"{place}.paper",
            title=one_line(text(paper.get("title")) or text(get(item, "title"))),
            abstract=paragraphs(text(paper.get("summary")) or text(get(item, "summary"))),
            date=iso_date(paper.get("publishedAt")) or iso_date(get(item, "submittedOnDailyAt")),
            authors=names,
            arxiv=pid,
            links=links_of(
                ("code", paper.get("githubRepo")),
                ("project", paper.get("projectPage")),
            ),
            keywords=split_list(paper.get("ai_keywords")),
        )
    return out.result()
