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

from slugify import slugify

from ..errors import ConfigError, Diagnostics
from ..model import Author, Site
from ..schema import SLUG, Key, check_mapping
from ..yamlutil import Place, Tree, parse_tree, type_name

RULES_FILE = "authors.yaml"  # in the site folder: merge and split people by hand
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


@dataclass(frozen=True)
class Person:
    """One person of a split: shown as ``name``, owner of ``papers`` (paper slugs), with the
    page ``authors/<slug>/`` when a slug is given (else one is made from the name)."""

    name: str
    papers: tuple[str, ...]
    slug: str | None = None
    slug_line: int | None = None  # lines in authors.yaml, for messages
    paper_lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class AuthorRules:
    """What ``authors.yaml`` says: variant keys merged into one shown name, and names split
    into several people by paper, and the slugs given to people."""

    merges: Mapping[str, str] = field(default_factory=dict)  # name key -> shown name
    splits: Mapping[str, tuple[Person, ...]] = field(default_factory=dict)  # name key -> people
    lines: Mapping[str, int] = field(default_factory=dict)  # name key -> line in authors.yaml
    path: Path | None = None
    # A merged person's given slug and its line, by the key of the shown name.
    slugs: Mapping[str, tuple[str, int]] = field(default_factory=dict)


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


def assign_authors(site: Site, rules: AuthorRules) -> Site:
    """Fill ``site.authors`` (sorted by slug) and ``site.paper_authors`` (byline order).

    A slug given in authors.yaml that another author's slug (given or made) also is raises a
    ConfigError naming both people, at the slug's line."""
    spellings: dict[str, dict[str, int]] = {}  # person id -> spelling -> count
    order: dict[str, int] = {}  # person id -> first appearance, for ties
    byline: dict[str, list[str]] = {}  # paper -> its people, each once
    # paper -> the person of each name in its byline ("" for a name with no letters); a byline
    # may name one person twice ("John Smith and J. Smith" merged), each name is linked
    named: dict[str, list[str]] = {}
    split_of: dict[tuple[str, str], str] = {}  # (name key, paper slug) -> person id
    for key, people in rules.splits.items():
        for i, person in enumerate(people):
            for paper in person.papers:
                split_of[(key, paper)] = f"{key}\x00{i}"
    for paper in site.papers:
        ids: list[str] = []
        names_of = named.setdefault(paper.slug, [])
        for raw in paper.authors:
            shown = display_form(raw)
            key = name_key(raw)
            if not key:
                names_of.append("")
                continue
            person = split_of.get((key, paper.slug)) or key
            if person == key and key in rules.merges:
                person = name_key(rules.merges[key])
            names_of.append(person)
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

    slugs = _slugs_with_given(names, rules)
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
    paper_authors = {
        slug: tuple(slugs[p] if p else "" for p in people) for slug, people in named.items()
    }
    return replace(site, authors=authors, paper_authors=paper_authors)


def _slugs_with_given(names: Mapping[str, str], rules: AuthorRules) -> dict[str, str]:
    """Every person's slug: the one authors.yaml gives, else one made from the name. Made slugs
    are handed out first, among people without a given one, so a given slug never renames
    anyone else; a given slug equal to another person's is an error, not a silent '-2'."""
    given: dict[str, tuple[str, int | None]] = {}  # person id -> (slug, line)
    for key, (slug, line) in rules.slugs.items():
        given[key] = (slug, line)
    for key, people in rules.splits.items():
        for i, person in enumerate(people):
            if person.slug:
                given[f"{key}\x00{i}"] = (person.slug, person.slug_line)
    given = {p: g for p, g in given.items() if p in names}  # people with papers only
    slugs = _slugs({p: n for p, n in names.items() if p not in given})
    owner = {slug: person for person, slug in slugs.items()}
    found = Diagnostics()
    for person in sorted(given):
        slug, line = given[person]
        other = owner.get(slug)
        if other is not None:
            how = f"given on line {given[other][1]}" if other in given else "made from the name"
            found.error(
                f"slug {slug!r} of {names[person]!r} is also the slug of author "
                f"{names[other]!r} ({how}); give one of them another slug",
                _shown_path(rules.path),
                line,
            )
            continue
        owner[slug] = person
        slugs[person] = slug
    found.raise_errors(ConfigError)
    return slugs


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


def check_author_rules(site: Site, rules: AuthorRules) -> Diagnostics:
    """Warnings for rules that match nothing in the collection (a typo, most likely)."""
    warnings = Diagnostics()
    keys = {name_key(a) for p in site.papers for a in p.authors}
    slugs = {p.slug for p in site.papers}
    where = _shown_path(rules.path)
    for key in rules.merges:
        if key not in keys:
            warnings.warn(f"no paper has the author {key!r}", where, rules.lines.get(key))
    for key, people in rules.splits.items():
        if key not in keys:
            warnings.warn(f"no paper has the author {key!r}", where, rules.lines.get(key))
        for person in people:
            for i, paper in enumerate(person.papers):
                if paper not in slugs:
                    line = (
                        person.paper_lines[i]
                        if i < len(person.paper_lines)
                        else rules.lines.get(key)
                    )
                    warnings.warn(f"no paper has the slug {paper!r}", where, line)
    return warnings


# --- authors.yaml ---------------------------------------------------------------------------
#
# Read like the taxonomy: parsed once (yamlutil.parse_tree keeps every place's line), each
# mapping checked against its keys (schema.check_mapping), every problem in the file collected
# and reported together, each at its own line.

_TOP_KEYS = (
    Key("merge", object, None, "rules making several spellings one person"),
    Key("split", object, None, "rules making one name several people, told apart by paper"),
)
_SLUG_DOC = "the person's page, authors/<slug>/; default: made from the name"
_MERGE_KEYS = (
    Key("name", str, None, "the name shown", required=True),
    Key("variants", object, None, "other spellings of the same person", required=True),
    Key("slug", SLUG, None, _SLUG_DOC),
)
_SPLIT_KEYS = (
    Key("name", str, None, "the name as papers spell it", required=True),
    Key("people", object, None, "the people behind the name, two or more", required=True),
)
_PERSON_KEYS = (
    Key("name", str, None, "the name shown for this person", required=True),
    Key("papers", object, None, "the slugs of this person's papers", required=True),
    Key("slug", SLUG, None, _SLUG_DOC),
)


def load_author_rules(path: Path) -> AuthorRules:
    """Read ``authors.yaml``; no file means no rules. Every mistake in the file is reported in
    one ConfigError (several: an ErrorList), each at its line, the file named as ``authors.yaml``
    (it lives in the site folder, so that is its name relative to the site).

    merge:
      - name: John Smith          # the name shown
        variants: [J. Smith, Smith, J.]
        slug: john-smith-oxford   # optional: the page is authors/john-smith-oxford/
    split:
      - name: Wei Zhang           # the name as papers spell it
        people:
          - name: Wei Zhang (Tsinghua)
            papers: [paper-slug-a]
            slug: wei-zhang-tsinghua
          - name: Wei Zhang (MIT)
            papers: [paper-slug-b]
    """
    if not path.is_file():
        return AuthorRules(path=path)
    shown = _shown_path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})", shown) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror or exc}", shown) from None
    tree = parse_tree(text, shown, error=ConfigError)
    if tree.value is None:
        return AuthorRules(path=path)
    reader = _Reader(tree, shown)
    reader.read()
    # Listed top to bottom, as the file reads (they are found mapping by mapping).
    Diagnostics(sorted(reader.found, key=lambda d: d.line or 0)).raise_errors(ConfigError)
    return AuthorRules(
        merges=reader.merges,
        splits=reader.splits,
        lines=reader.lines,
        path=path,
        slugs=reader.merge_slugs,
    )


def _shown_path(path: Path | None) -> str:
    """How messages name the rules file: ``authors.yaml``, its path inside the site folder."""
    return path.name if path is not None else RULES_FILE


class _Reader:
    """Checks one parsed authors.yaml, collecting every problem at its line."""

    def __init__(self, tree: Tree, path: str):
        self.tree, self.path = tree, path
        self.found = Diagnostics()
        self.merges: dict[str, str] = {}
        self.splits: dict[str, tuple[Person, ...]] = {}
        self.lines: dict[str, int] = {}  # name key -> the line of the rule that claims it
        self.merge_slugs: dict[str, tuple[str, int]] = {}
        # A given slug is one page: unique across the file. slug -> (person's name, line)
        self.given: dict[str, tuple[str, int]] = {}

    def line(self, at: Place) -> int:
        return self.tree.line(at) or 1

    def error(self, at: Place, message: str) -> None:
        self.found.error(message, self.path, self.line(at))

    def describe(self, at: Place) -> str:
        return self.tree.describe(at)

    def mapping(
        self, value: object, at: Place, keys: tuple[Key, ...], shape: str
    ) -> dict[str, object] | None:
        """The checked values of a mapping (defaults filled in), or None if it is no mapping."""
        where = self.describe(at)
        if not isinstance(value, dict):
            self.error(at, f"{where or RULES_FILE} must be {shape}, got {type_name(value)}")
            return None
        values, found = check_mapping(
            value, keys, lambda key: (self.path, self.line((*at, key))), what="key", where=where
        )
        self.found.extend(found)
        if "slug" in value and _blank(value["slug"]):
            # `slug:` left empty is a slip, not a wish for the made-up slug: say so.
            self.error(
                (*at, "slug"),
                f"{where}.slug must not be empty; leave the key out to have one made from the name",
            )
        return values

    def entries(self, value: object, at: Place, what: str) -> list[object]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(at, f"{self.describe(at)} must be a list of {what}, got {type_name(value)}")
            return []
        return value

    def texts(self, value: object, at: Place, what: str) -> list[tuple[str, int]]:
        """A non-empty list of names or paper slugs, each with its line."""
        name = self.describe(at)
        if value is None:
            return []  # reported as missing by check_mapping
        if not isinstance(value, list):
            self.error(at, f"{name} must be a list of {what}, got {type_name(value)}")
            return []
        if not value:
            self.error(at, f"{name} must list at least one {what.rstrip('s')}")
        out: list[tuple[str, int]] = []
        for i, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)  # `papers: [2024]`: a slug written as a number
            if not isinstance(item, str):
                self.error((*at, i), f"{name}[{i}] must be text, got {type_name(item)}")
            elif not item.strip():
                self.error((*at, i), f"{name}[{i}] must not be empty")
            else:
                out.append((" ".join(item.split()), self.line((*at, i))))
        return out

    def claim(self, at: Place, where: str, spelling: str, line: int) -> str | None:
        """The name key of a spelling, recorded as this rule's; None if it cannot be."""
        key = name_key(spelling)
        if not key:
            self.error(at, f"{where}: {spelling!r} has no letters or digits to match a name by")
            return None
        if key in self.lines:
            self.error(at, f"{where}: {spelling!r} is already in a rule on line {self.lines[key]}")
            return None
        self.lines[key] = line
        return key

    def slug(self, values: dict[str, object], at: Place, where: str, name: str) -> str | None:
        """The slug given to a person, checked unique in the file (its form: by the schema)."""
        slug = values["slug"]
        if not isinstance(slug, str):
            return None
        line = self.line((*at, "slug"))
        if slug in self.given:
            other, other_line = self.given[slug]
            self.error(
                (*at, "slug"),
                f"{where}: slug {slug!r} is already used by {other!r} on line {other_line}",
            )
            return None
        self.given[slug] = (name, line)
        return slug

    def read(self) -> None:
        for place, line, first in self.tree.duplicates:
            where = self.describe(place[:-1]) or RULES_FILE
            self.found.error(
                f"{where} has {place[-1]!r} twice (first on line {first})", self.path, line
            )
        top = self.mapping(self.tree.value, (), _TOP_KEYS, "a mapping with merge: and split:")
        if top is None:
            return
        for i, item in enumerate(self.entries(top["merge"], ("merge",), "merge rules")):
            self.merge(item, ("merge", i))
        for i, item in enumerate(self.entries(top["split"], ("split",), "split rules")):
            self.split(item, ("split", i))

    def merge(self, item: object, at: Place) -> None:
        values = self.mapping(item, at, _MERGE_KEYS, "a mapping with name and variants")
        if values is None:
            return
        where = self.describe(at)
        variants = self.texts(values["variants"], (*at, "variants"), "names")
        name = values["name"]
        if not isinstance(name, str) or not name.strip():
            return
        shown = " ".join(name.split())
        spellings = [((*at, "name"), shown, self.line((*at, "name")))]
        spellings += [((*at, "variants", i), s, line) for i, (s, line) in enumerate(variants)]
        for place, spelling, line in spellings:
            key = name_key(spelling)
            if key and self.merges.get(key) == shown:
                continue  # the name again as a variant, or a second rule for the same person
            key = self.claim(place, where, spelling, line)
            if key is not None:
                self.merges[key] = shown
        slug = self.slug(values, at, where, shown)
        if slug is None:
            return
        person = name_key(shown)
        if person in self.merge_slugs:
            other, other_line = self.merge_slugs[person]
            self.error(
                (*at, "slug"),
                f"{where}: {shown!r} already has the slug {other!r} on line {other_line}",
            )
            return
        self.merge_slugs[person] = (slug, self.line((*at, "slug")))

    def split(self, item: object, at: Place) -> None:
        values = self.mapping(item, at, _SPLIT_KEYS, "a mapping with name and people")
        if values is None:
            return
        where = self.describe(at)
        name = values["name"]
        key = None
        if isinstance(name, str) and name.strip():
            key = self.claim((*at, "name"), where, name, self.line((*at, "name")))
        people_at: Place = (*at, "people")
        listed = values["people"]
        if listed is not None and not isinstance(listed, list):
            self.error(
                people_at, f"{where}.people must be a list of people, got {type_name(listed)}"
            )
            return
        if isinstance(listed, list) and len(listed) < 2:
            self.error(people_at, f"{where}.people must list at least two people")
        people: list[Person] = []
        seen: dict[str, int] = {}  # paper slug -> line: a paper is one person's
        for i, entry in enumerate(listed or []):
            person_at: Place = (*at, "people", i)
            fields = self.mapping(entry, person_at, _PERSON_KEYS, "a mapping with name and papers")
            if fields is None:
                continue
            person_where = self.describe(person_at)
            papers = self.texts(fields["papers"], (*person_at, "papers"), "paper slugs")
            for j, (paper, line) in enumerate(papers):
                if paper in seen:
                    self.error(
                        (*person_at, "papers", j),
                        f"{person_where}: paper {paper!r} is already given on line {seen[paper]}",
                    )
                seen.setdefault(paper, line)
            shown = fields["name"]
            if not isinstance(shown, str) or not shown.strip():
                continue
            shown = " ".join(shown.split())
            slug = self.slug(fields, person_at, person_where, shown)
            people.append(
                Person(
                    shown,
                    tuple(p for p, _ in papers),
                    slug=slug,
                    slug_line=self.line((*person_at, "slug")) if slug else None,
                    paper_lines=tuple(line for _, line in papers),
                )
            )
        if key is not None:
            self.splits[key] = tuple(people)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
