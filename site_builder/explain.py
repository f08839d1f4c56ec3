"""`site-builder topics explain`: why papers got their topics, for someone editing a taxonomy.

Pure text from the loaded papers and the taxonomy; the scores come from the assigner's own
tally (taxonomy.topic_evidence), so what is printed is what the build does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .model import Paper
from .taxonomy import (
    MIN_MENTIONS,
    Evidence,
    Taxonomy,
    assign_topics,
    assign_with_profile,
    secondary_floor,
    topic_evidence,
)

SHOWN_TOPICS = 5  # scoring topics listed per paper, best first
SHOWN_HITS = 8  # hits listed per topic, strongest first
# Control characters in a title (an ANSI escape, a carriage return) would act on the terminal.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def find_papers(papers: Sequence[Paper], wanted: Sequence[str], site_dir: Path) -> list[Paper]:
    """The papers named by slug or content-file path, in the order asked; KeyError names the
    first one that matches nothing."""
    by_slug = {p.slug: p for p in papers}
    by_path = {p.path.resolve(): p for p in papers if p.path is not None}
    found = []
    for name in wanted:
        paper = by_slug.get(name) or by_slug.get(Path(name).stem)
        if paper is None:
            for candidate in (Path(name), site_dir / name):
                paper = by_path.get(candidate.resolve())
                if paper is not None:
                    break
        if paper is None:
            raise KeyError(name)
        found.append(paper)
    return found


def explain_paper(paper: Paper, taxonomy: Taxonomy, max_topics: int, site_dir: Path) -> str:
    """What the assigner found in one paper, and which topics it keeps."""
    lines = [f"{_shown(paper, site_dir)}: {_CONTROL.sub(' ', paper.title).strip()}"]
    evidence = topic_evidence(
        paper.title, paper.abstract, taxonomy, paper.keywords, paper.categories
    )
    chosen, profile = assign_with_profile(
        paper.title, paper.abstract, taxonomy, max_topics, paper.keywords, paper.categories
    )
    if paper.topics_from_file:
        lines.append(f"  topics: {', '.join(paper.topics)}  (written in the file: they win)")
        lines.append(f"  the taxonomy alone would give: {', '.join(chosen)}")
    else:
        lines.append(f"  topics: {', '.join(chosen)}")
    if not evidence:
        lines.append(f"  no keyword of any topic found: the fallback '{taxonomy.fallback}'")
        lines.append(_related_line(paper, profile))
        return "\n".join(lines)
    best = evidence[0].score
    if best < taxonomy.min_score:
        lines.append(
            f"  best score {_num(best)} is under min_score {_num(taxonomy.min_score)}: "
            f"the fallback '{taxonomy.fallback}'"
        )
    else:
        lines.append(
            f"  kept: the best ({_num(best)}) and up to {max_topics - 1} more scoring at least "
            f"{_num(secondary_floor(best, taxonomy))} with {MIN_MENTIONS}+ mentions "
            "(a title or keyword hit counts 2)"
        )
    for item in evidence[:SHOWN_TOPICS]:
        mark = "*" if item.topic in chosen else " "
        lines.append(f"  {mark} {_num(item.score):>6}  {item.topic}")
        lines.append(f"            {_hits(item)}")
    if len(evidence) > SHOWN_TOPICS:
        more = len(evidence) - SHOWN_TOPICS
        lines.append(f"    … and {more} more topic{'s' if more > 1 else ''} with lower scores")
    lines.append(_related_line(paper, profile))
    return "\n".join(lines)


def _related_line(paper: Paper, profile: Sequence[tuple[str, float]]) -> str:
    """What related papers compare besides the words (docs/related.md): the paper's topic
    profile, or the topics written in its file, equally weighted."""
    if paper.topics_from_file:
        return "  related papers compare: the topics written in the file, equally weighted"
    if not profile:
        return "  related papers compare: the words only (no topic scored)"
    shown = ", ".join(f"{name} {weight:.2f}" for name, weight in profile)
    length = sum(weight * weight for _name, weight in profile) ** 0.5
    sure = "" if length > 0.995 else f" (length {length:.2f}: the taxonomy is unsure)"
    return f"  related papers compare this topic profile{sure}:\n            {shown}"


def summary(papers: Sequence[Paper], taxonomy: Taxonomy, max_topics: int) -> str:
    """Papers per topic (assigned / by hand), topics no paper has, and the fallback's count."""
    assigned: dict[str, int] = {}
    by_hand: dict[str, int] = {}
    with_topics: list[Paper] = []  # each paper with the topics a build gives it, for the fit
    for paper in papers:
        if paper.topics_from_file:
            for name in paper.topics:
                key = _key(taxonomy, name)
                by_hand[key] = by_hand.get(key, 0) + 1
            with_topics.append(paper)
            continue
        chosen = assign_topics(
            paper.title, paper.abstract, taxonomy, max_topics, paper.keywords, paper.categories
        )
        for name in chosen:
            assigned[name] = assigned.get(name, 0) + 1
        with_topics.append(replace(paper, topics=chosen))
    names = [rule.name for rule in taxonomy.topics]
    extra = sorted((set(assigned) | set(by_hand)) - set(names), key=str.casefold)
    width = max(len(n) for n in [*names, *extra, "topic"])
    lines = [f"{'topic':<{width}}  assigned  by hand"]
    for name in [*names, *extra]:
        if name in assigned or name in by_hand:
            lines.append(f"{name:<{width}}  {assigned.get(name, 0):>8}  {by_hand.get(name, 0):>7}")
    empty = [n for n in names if n not in assigned and n not in by_hand]
    fallback = assigned.get(taxonomy.fallback, 0)
    lines.append("")
    lines.append(
        f"{len(papers)} papers; {fallback} got the fallback '{taxonomy.fallback}' "
        "(no topic reached min_score)"
    )
    if empty:
        lines.append(f"{len(empty)} topics have no paper: {', '.join(empty)}")
    if papers:
        lines.append(_fit_line(with_topics, taxonomy))
    return "\n".join(lines)


def _fit_line(papers: Sequence[Paper], taxonomy: Taxonomy) -> str:
    """How well the taxonomy fits the collection, and what that does to related papers
    (docs/related.md: the topic term is scaled by fit ** FIT_POWER), computed as related
    papers compute it."""
    from .enrich.related import FIT_POWER
    from .enrich.topics import POOR_FIT, SUGGEST_HINT, taxonomy_fit

    fit = taxonomy_fit(papers, (taxonomy.fallback,))
    weight = fit**FIT_POWER
    shown = f"{weight:.2f}" if weight >= 0.01 else f"{weight:.1g}"  # 0.004, not 0.00
    line = f"the taxonomy fits {fit:.0%} of the papers: related papers weigh shared topics x{shown}"
    if fit < POOR_FIT:
        line += f"\n  it was likely made for another field. {SUGGEST_HINT}"
    return line


def newer_default_topics(taxonomy: Taxonomy, default: Taxonomy) -> str | None:
    """For a taxonomy copied from the packaged default (as `site-builder new` does): a note
    naming the topics a newer default has that the copy lacks, or None. A copy does not
    change when site-builder does; this says what an upgrade brought."""
    have = {rule.slug for rule in taxonomy.topics}
    missing = [rule.name for rule in default.topics if rule.slug not in have]
    if not missing:
        return None
    count = f"{len(missing)} topic{'s' if len(missing) > 1 else ''}"
    return (
        f"note: your taxonomy began as a copy of the packaged default, which now also has "
        f"{count}: {', '.join(missing)}. To use them, copy their entries from {default.path}."
    )


def _key(taxonomy: Taxonomy, name: str) -> str:
    rule = taxonomy.topic(name)
    return rule.name if rule is not None else name


def _hits(item: Evidence) -> str:
    ordered = sorted(item.hits, key=lambda h: (-h[3], h[0], h[1]))
    parts = [
        f"{where} '{phrase}'{f' x{n}' if n > 1 else ''} +{_num(points)}"
        for where, phrase, n, points in ordered[:SHOWN_HITS]
    ]
    if len(ordered) > SHOWN_HITS:
        parts.append(f"… {len(ordered) - SHOWN_HITS} more")
    parts += [
        f"{where} '{phrase}'{f' x{n}' if n > 1 else ''} not counted (spelled out as another "
        "topic's phrase)"
        for where, phrase, n, _ in item.left_out
    ]
    return ", ".join(parts)


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _shown(paper: Paper, site_dir: Path) -> str:
    if paper.path is None:
        return paper.slug
    try:
        return str(paper.path.relative_to(site_dir))
    except ValueError:
        return str(paper.path)
