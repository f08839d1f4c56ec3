"""Give every paper its topics and build the Topic list.

Topics written in a paper's front matter always win; papers without them get topics from the
taxonomy. Topic names in files are matched to the taxonomy by slug, so `diffusion models`
and `Diffusion Models` are the same topic.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from ..model import Area, Paper, Site, Topic
from ..slugs import make_slug
from ..taxonomy import Taxonomy, assign_with_profile


def assign(papers: tuple[Paper, ...], taxonomy: Taxonomy, max_topics: int) -> Site:
    known = {rule.slug: rule for rule in taxonomy.topics}
    names: dict[str, str] = {rule.slug: rule.name for rule in taxonomy.topics}
    # A file may name a taxonomy topic by its name or by its slug, in any case.
    alias = {make_slug(rule.name, fallback="topic"): rule.slug for rule in taxonomy.topics}
    alias.update({rule.slug: rule.slug for rule in taxonomy.topics})
    members: dict[str, list[str]] = {}
    result: list[Paper] = []
    # Each distinct (topic, weight) pair once: 100,000 profiles of 5 pairs hold ~10 MB
    # of references instead of ~40 MB of tuples and floats.
    pairs: dict[tuple[str, float], tuple[str, float]] = {}
    for paper in papers:
        # A paper with topics from its file keeps whatever profile it came with (none, or the
        # one build.py remembered with the topics it hands in as if from the file).
        given, weights = (
            (paper.topics, paper.topic_weights)
            if paper.topics_from_file
            else assign_with_profile(
                paper.title,
                paper.abstract,
                taxonomy,
                max_topics,
                keywords=paper.keywords,
                categories=paper.categories,
            )
        )
        canonical: list[str] = []
        for name in given:
            slug = make_slug(name, fallback="topic")
            slug = alias.get(slug, slug)
            names.setdefault(slug, name)  # a topic the taxonomy doesn't know: the file's spelling
            if names[slug] not in canonical:
                canonical.append(names[slug])
                members.setdefault(slug, []).append(paper.slug)
        weights = tuple(pairs.setdefault(pair, pair) for pair in weights)
        result.append(replace(paper, topics=tuple(canonical), topic_weights=weights))
    ordered = [rule.slug for rule in taxonomy.topics if rule.slug in members]
    ordered += sorted((s for s in members if s not in known), key=lambda s: names[s].casefold())
    topics = tuple(
        Topic(
            slug=slug,
            name=names[slug],
            description=known[slug].description if slug in known else "",
            paper_slugs=tuple(members[slug]),
            area=known[slug].area if slug in known else "",
        )
        for slug in ordered
    )
    return Site(
        papers=tuple(result),
        topics=topics,
        areas=_areas(result, taxonomy, members),
        fallback_topic=taxonomy.fallback,
    )


# Below this share of papers with a real topic, the taxonomy was likely made for another field:
# builds and `topics explain` say so and point to `topics suggest`.
POOR_FIT = 0.8


def taxonomy_fit(papers: Sequence[Paper], ignore: Collection[str] = ()) -> float:
    """The share of papers with a topic other than those in ``ignore`` (the fallback), to two
    places. Related papers scale their topic term by it (enrich/related.py, FIT_POWER): where
    a machine-learning taxonomy meets astronomy, half the papers get no topic and most of the
    others only by accident ("galaxy clusters" read as clustering), and linking papers by such
    topics made related lists worse than the text alone (bench/quality.py, docs/related.md).
    Rounded, so that an edit seldom changes it (a change rescores every paper)."""
    if not papers:
        return 1.0
    skip = {name.casefold() for name in ignore}
    fitted = sum(any(t.casefold() not in skip for t in p.topics) for p in papers)
    return round(fitted / len(papers), 2)


# A site of fewer papers gets no poor-fit note: a handful of papers says little about the fit,
# and is too few to draft a taxonomy from.
FIT_NOTE_PAPERS = 10


def poor_fit_note(fit: float, papers: int) -> str | None:
    """What a build of ``papers`` papers says when the taxonomy fits under POOR_FIT of them,
    or None."""
    if fit >= POOR_FIT or papers < FIT_NOTE_PAPERS:
        return None
    return (
        f"note: the topic taxonomy fits only {fit:.0%} of the papers (the rest got no topic); "
        f"it was likely made for another field. {SUGGEST_HINT}"
    )


# How to draft a taxonomy that fits: what the poor-fit note and `topics explain` say.
SUGGEST_HINT = (
    "Draft one from your papers with `site-builder topics suggest --output draft.yaml`, then "
    "set `topics_file: draft.yaml` in site.yaml (docs/topics.md)"
)


def _areas(
    papers: list[Paper], taxonomy: Taxonomy, members: dict[str, list[str]]
) -> tuple[Area, ...]:
    """Areas with at least one paper; each paper once per area, newest first (papers' order)."""
    order = {paper.slug: i for i, paper in enumerate(papers)}
    areas = []
    for rule in taxonomy.areas:
        topic_slugs = tuple(slug for slug in rule.topic_slugs if slug in members)
        if not topic_slugs:
            continue
        in_area = {paper for slug in topic_slugs for paper in members[slug]}
        areas.append(
            Area(
                slug=rule.slug,
                name=rule.name,
                description=rule.description,
                topic_slugs=topic_slugs,
                paper_slugs=tuple(sorted(in_area, key=order.__getitem__)),
            )
        )
    return tuple(areas)
