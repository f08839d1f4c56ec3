"""enrich/topics.assign: hand-chosen topics win, areas gather their topics' papers once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from site_builder.enrich.topics import assign
from site_builder.model import Paper
from site_builder.taxonomy import parse_taxonomy

TAXONOMY = parse_taxonomy(
    """\
areas:
  - name: Physics
    topics:
      - name: Superconductivity
        keywords: {superconduct*: 4}
      - name: Cosmology
        keywords: {dark matter: 4}
        categories: {astro-ph.CO: 4}
  - name: Biology
    topics:
      - name: Genomics
        keywords: {genome: 4}
""",
    Path("t.yaml"),
)


def paper(slug: str, day: int, title: str, **kw: object) -> Paper:
    return Paper(slug=slug, title=title, date=dt.date(2024, 1, day), abstract="", **kw)


def test_areas_list_each_paper_once_newest_first() -> None:
    papers = (
        paper("c", 3, "Dark matter in superconducting detectors"),
        paper("b", 2, "Superconductivity"),
        paper("a", 1, "A note", categories=("astro-ph.CO",)),
    )
    site = assign(papers, TAXONOMY, 3)
    physics = site.areas[0]
    assert physics.slug == "physics"
    assert physics.topic_slugs == ("superconductivity", "cosmology")
    assert physics.paper_slugs == ("c", "b", "a")  # "c" is in both topics, counted once
    assert [a.slug for a in site.areas] == ["physics"]  # an area with no papers is left out
    assert {t.slug: t.area for t in site.topics}["cosmology"] == "physics"


def test_hand_chosen_topics_win_and_count_in_their_area() -> None:
    papers = (paper("x", 1, "Dark matter", topics=("Genomics",), topics_from_file=True),)
    site = assign(papers, TAXONOMY, 3)
    assert site.papers[0].topics == ("Genomics",)
    assert [(a.slug, a.paper_slugs) for a in site.areas] == [("biology", ("x",))]
