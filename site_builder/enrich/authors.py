"""Authors: one person per name, whatever the source's spelling, and never two people merged
by a guess.

The name rule (docs/authors.md): "Last, First" is read as "First Last"; case, accents
(``Müller`` = ``Muller``), punctuation and spacing (``Jean-Pierre`` = ``Jean Pierre``) don't
count. Initials do: ``J. Smith`` and ``John Smith`` stay two people unless ``authors.yaml``
merges them, since the rule cannot know they are one. ``authors.yaml`` also splits one name
into several people by paper.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from slugify import slugify

from ..errors import ConfigError, Warn
from ..model import Author, Site

RULES_NAME = "authors.yaml"
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


@dataclass(frozen=True)
class Person:
    """One person of a split: shown as ``name``, owner of ``papers`` (paper slugs)."""

    name: str
    papers: tuple[str, ...]


@dataclass(frozen=True)
class AuthorRules:
    """What ``authors.yaml`` says: variant keys merged into one shown name, and names split
    into several people by paper."""

    merges: Mapping[str, str] = field(default_factory=dict)  # name key -> shown name
    splits: Mapping[str, tuple[Person, ...]] = field(default_factory=dict)  # name key -> people
    lines: Mapping[str, int] = field(default_factory=dict)  # name key -> line in authors.yaml
    path: Path | None = None


def display_form(name: str) -> str:
    """The name as shown: NFC, single spaces, "Last, First" turned into "First Last"."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and all(parts) and parts[1].lower() not in _SUFFIXES:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts) and parts[1].lower() in _SUFFIXES:
        return f"{parts[2]} {parts[0]} {parts[1]}"  # Last, Jr., First
    return name


def name_key(name: str) -> str:
    """What makes two spellings one person: the shown form without case, accents, punctuation
    or spacing. Initials stay initials: 'J. Smith' -> 'j smith', 'John Smith' -> 'john smith'."""
    text = unicodedata.normalize("NFKD", display_form(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.findall(r"\w+", text))


RULES_FILE = "authors.yaml"  # in the site folder: merge and split people by hand


def assign_authors(site: Site, rules: AuthorRules) -> Site:
    """Fill ``site.authors`` (sorted by slug) and ``site.paper_authors`` (byline order)."""
    spellings: dict[str, dict[str, int]] = {}  # person id -> spelling -> count
    order: dict[str, int] = {}  # person id -> first appearance, for ties
    byline: dict[str, list[str]] = {}
    split_of: dict[tuple[str, str], str] = {}  # (name key, paper slug) -> person id
    for key, people in rules.splits.items():
        for i, person in enumerate(people):
            for paper in person.papers:
                split_of[(key, paper)] = f"{key}\x00{i}"
    for paper in site.papers:
        ids: list[str] = []
        for raw in paper.authors:
            shown = display_form(raw)
            key = name_key(raw)
            if not key:
                continue
            person = split_of.get((key, paper.slug)) or key
            if person == key and key in rules.merges:
                person = name_key(rules.merges[key])
            if person in ids:
                continue
            ids.append(person)
            counts = spellings.setdefault(person, {})
            counts[shown] = counts.get(shown, 0) + 1
            order.setdefault(person, len(order))
        byline[paper.slug] = ids

    merged_names = {name_key(shown): shown for shown in rules.merges.values()}
    names: dict[str, str] = {}
    for person, counts in spellings.items():
        if "\x00" in person:
            key, index = person.split("\x00")
            names[person] = rules.splits[key][int(index)].name
        elif person in merged_names:
            names[person] = merged_names[person]
        else:
            # The commonest spelling; on a tie the one keeping more accents, then A-Z.
            names[person] = min(
                counts, key=lambda s: (-counts[s], -sum(not c.isascii() for c in s), s)
            )

    slugs = _slugs(names)
    papers_of: dict[str, list[str]] = {}
    for paper in site.papers:  # newest first, as site.papers is
        for person in byline[paper.slug]:
            papers_of.setdefault(person, []).append(paper.slug)
    authors = tuple(
        sorted(
            (Author(slug=slugs[p], name=names[p], paper_slugs=tuple(papers_of[p])) for p in names),
            key=lambda a: a.slug,
        )
    )
    paper_authors = {slug: tuple(slugs[p] for p in ids) for slug, ids in byline.items()}
    return replace(site, authors=authors, paper_authors=paper_authors)


def _slugs(names: Mapping[str, str]) -> dict[str, str]:
    """A slug per person: python-slugify of the shown name, '-2', '-3'… on a clash, handed out
    in order of the person id so the same collection always gives the same slugs."""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for person in sorted(names):
        base = slugify(names[person], max_length=80, word_boundary=True) or "author"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        out[person] = slug
    return out


def check_author_rules(site: Site, rules: AuthorRules) -> list[Warn]:
    """Rules that match nothing in the collection (a typo in authors.yaml, most likely)."""
    warnings: list[Warn] = []
    keys = {name_key(a) for p in site.papers for a in p.authors}
    slugs = {p.slug for p in site.papers}
    where = rules.path or RULES_NAME
    for key in rules.merges:
        if key not in keys:
            warnings.append(Warn(f"no paper has the author {key!r}", where, rules.lines.get(key)))
    for key, people in rules.splits.items():
        for person in people:
            for paper in person.papers:
                if paper not in slugs:
                    warnings.append(
                        Warn(f"no paper has the slug {paper!r}", where, rules.lines.get(key))
                    )
    return warnings


# --- authors.yaml ---------------------------------------------------------------------------


def load_author_rules(path: Path) -> AuthorRules:
    """Read ``authors.yaml``; no file means no rules. Every mistake names its line.

    merge:
      - name: John Smith          # the name shown
        variants: [J. Smith, Smith, J.]
    split:
      - name: Wei Zhang           # the name as papers spell it
        people:
          - name: Wei Zhang (Tsinghua)
            papers: [paper-slug-a]
          - name: Wei Zhang (MIT)
            papers: [paper-slug-b]
    """
    if not path.is_file():
        return AuthorRules(path=path)
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        raise ConfigError("not UTF-8 text", path) from None
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ConfigError(f"not valid YAML: {exc.problem}", path, line) from None
    merges: dict[str, str] = {}
    splits: dict[str, tuple[Person, ...]] = {}
    lines: dict[str, int] = {}
    if root is None:
        return AuthorRules(path=path)

    def fail(node: yaml.Node, message: str) -> ConfigError:
        return ConfigError(message, path, node.start_mark.line + 1)

    def mapping(node: yaml.Node, what: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise fail(node, f"{what} must be a mapping")
        out: dict[str, yaml.Node] = {}
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode) or k.value not in allowed:
                raise fail(
                    k,
                    f"unknown key {getattr(k, 'value', '?')!r} in {what}; "
                    f"expected {', '.join(allowed)}",
                )
            out[k.value] = v
        return out

    def string(node: yaml.Node | None, what: str, parent: yaml.Node) -> str:
        if node is None:
            raise fail(parent, f"{what} is missing")
        if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
            raise fail(node, f"{what} must be a non-empty string")
        return " ".join(node.value.split())

    def strings(node: yaml.Node | None, what: str, parent: yaml.Node) -> list[tuple[str, int]]:
        if node is None:
            raise fail(parent, f"{what} is missing")
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise fail(node, f"{what} must be a non-empty list")
        return [(string(item, what, node), item.start_mark.line + 1) for item in node.value]

    def claim(key: str, line: int, node: yaml.Node) -> None:
        if key in lines:
            raise fail(node, f"{key!r} is already in a rule on line {lines[key]}")
        lines[key] = line

    top = mapping(root, "authors.yaml", ("merge", "split"))
    for section in ("merge", "split"):
        node = top.get(section)
        if node is None:
            continue
        if not isinstance(node, yaml.SequenceNode):
            raise fail(node, f"{section} must be a list")
        for item in node.value:
            if section == "merge":
                fields = mapping(item, "a merge rule", ("name", "variants"))
                shown = string(fields.get("name"), "name", item)
                variants = strings(fields.get("variants"), "variants", item)
                for spelling, line in [(shown, item.start_mark.line + 1), *variants]:
                    key = name_key(spelling)
                    if not key:
                        raise fail(item, f"{spelling!r} has no letters")
                    if merges.get(key) == shown:
                        continue
                    claim(key, line, item)
                    merges[key] = shown
            else:
                fields = mapping(item, "a split rule", ("name", "people"))
                key = name_key(string(fields.get("name"), "name", item))
                claim(key, item.start_mark.line + 1, item)
                people_node = fields.get("people")
                if not isinstance(people_node, yaml.SequenceNode) or len(people_node.value) < 2:
                    raise fail(people_node or item, "people must list at least two people")
                people: list[Person] = []
                seen: dict[str, int] = {}
                for p in people_node.value:
                    pf = mapping(p, "a person", ("name", "papers"))
                    papers = strings(pf.get("papers"), "papers", p)
                    for slug, line in papers:
                        if slug in seen:
                            raise fail(p, f"paper {slug!r} is already given on line {seen[slug]}")
                        seen[slug] = line
                    people.append(
                        Person(string(pf.get("name"), "name", p), tuple(s for s, _ in papers))
                    )
                splits[key] = tuple(people)
    return AuthorRules(merges=merges, splits=splits, lines=lines, path=path)
