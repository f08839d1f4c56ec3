"""enrich/topics: hand-chosen topics win, areas gather their topics' papers once, the fit note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.enrich.topics import assign, poor_fit_note
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


def test_chosen_topics_come_with_a_profile_and_hand_chosen_ones_without() -> None:
    papers = (
        paper("a", 1, "Dark matter halos and a genome", categories=("astro-ph.CO",)),
        paper("b", 2, "Dark matter", topics=("Genomics",), topics_from_file=True),
        paper("c", 3, "Genome"),
    )
    site = assign(papers, TAXONOMY, 3)
    by_slug = {p.slug: p for p in site.papers}
    # Cosmology has the title keyword and the category, Genomics the title keyword only.
    names = [name for name, _w in by_slug["a"].topic_weights]
    weights = [w for _n, w in by_slug["a"].topic_weights]
    assert names == ["Cosmology", "Genomics"]
    assert weights[0] > weights[1] > 0
    assert sum(w * w for w in weights) == pytest.approx(1.0, abs=0.01)  # sure: length 1
    assert by_slug["b"].topic_weights == ()  # the file's topics stand on their own
    assert by_slug["c"].topic_weights == (("Genomics", 1.0),)


def test_the_poor_fit_note_needs_a_poor_fit_and_enough_papers_to_judge_it() -> None:
    note = poor_fit_note(0.54, 131)
    assert note is not None and "fits only 54% of the papers" in note
    assert "`site-builder topics suggest --output draft.yaml`" in note
    assert poor_fit_note(0.8, 131) is None  # fits well enough
    assert poor_fit_note(0.25, 4) is None  # four papers say little about a taxonomy
