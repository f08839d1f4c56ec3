"""The topic taxonomy: a user-editable YAML file of topics and keywords, and the assigner.

A topic's score for a paper is the sum of the weights of its keywords found in the title and
abstract, title hits counting ``title_weight`` times as much. A paper gets its best topic, plus
up to ``max_topics - 1`` more whose scores are a real fraction of the best; when no topic scores
at least ``min_score`` it gets the taxonomy's fallback topic.

Keyword syntax (see docs/topics.md): case-insensitive phrases matched on word boundaries; spaces
and hyphens between words are interchangeable and optional ("auto-encoder" also matches
"autoencoder"); the last word also matches its plural; a ``*`` ending a word matches any ending
("quantiz*" matches "quantized" and "quantization"); "-ize" also matches British "-ise".
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .errors import ContentError
from .slugs import is_valid_slug, make_slug

DEFAULT_FALLBACK = "Machine learning"
DEFAULT_TITLE_WEIGHT = 3.0
DEFAULT_MIN_SCORE = 4.0
DEFAULT_SECONDARY_RATIO = 0.4
DEFAULT_STRONG_SCORE = 12.0

# Beyond this many occurrences in an abstract a keyword counts no more: one word repeated
# throughout an abstract should not swamp a topic.
_MAX_REPEATS = 3
# At most this many words in a phrase (each gap may be joined up, so variants grow as 2^n).
_MAX_WORDS = 8

# URLs often contain words ("github.com/x/music-diffusion") that say nothing about the topic.
_URL = re.compile(r"(?:https?://|www\.)\S+")
# A keyword phrase: words of letters and digits separated by spaces or hyphens, each may end
# in '*'. ("+" is punctuation: "ControlNet++" must still be the word "controlnet".)
_PHRASE_WORD = r"\w+\*?"
_PHRASE_OK = re.compile(rf"{_PHRASE_WORD}(?:[\s\-]+{_PHRASE_WORD})*")

# Splitting text into words: spaces and hyphens keep the words of a phrase together, any other
# punctuation breaks a phrase and becomes a _BREAK token that no keyword matches. ASCII text
# (nearly all abstracts) takes a translate table, several times faster than a regex.
_BREAK = "\x01"
_ASCII_WORDS = str.maketrans(
    {
        c: (" " if chr(c).isspace() or chr(c) == "-" else _BREAK)
        for c in range(128)
        if not (chr(c).isalnum() or chr(c) == "_")
    }
)
_UNICODE_HYPHENS = str.maketrans({"\u2010": " ", "\u2011": " "})
_UNICODE_BREAKS = re.compile(rf"[^\w\s{_BREAK}]")


def _words(text: str) -> list[str]:
    """The lowercase words of ``text``, with _BREAK where punctuation separates them."""
    text = text.lower()
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    text = text.translate(_ASCII_WORDS)
    if not text.isascii():
        text = _UNICODE_BREAKS.sub(_BREAK, text.translate(_UNICODE_HYPHENS))
    return text.replace(_BREAK, f" {_BREAK} ").split()


@dataclass(frozen=True)
class TopicRule:
    """One topic of the taxonomy and the weighted keywords that select it."""

    name: str
    slug: str
    description: str
    keywords: tuple[tuple[str, float], ...]
    # Source categories (e.g. arXiv 'cs.CV') and their weights: a paper listing one scores it.
    categories: tuple[tuple[str, float], ...] = ()
    area: str = ""  # slug of its area in a two-level taxonomy


@dataclass(frozen=True)
class AreaRule:
    """A group of topics (the first level of a two-level taxonomy)."""

    name: str
    slug: str
    description: str
    topic_slugs: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """The topics in file order, the fallback topic, and the scoring settings."""

    topics: tuple[TopicRule, ...]
    fallback: str = DEFAULT_FALLBACK
    path: Path | None = None
    title_weight: float = DEFAULT_TITLE_WEIGHT
    min_score: float = DEFAULT_MIN_SCORE
    secondary_ratio: float = DEFAULT_SECONDARY_RATIO
    strong_score: float = DEFAULT_STRONG_SCORE
    areas: tuple[AreaRule, ...] = ()  # empty for a one-level taxonomy
    # Built once per taxonomy so that assigning 100k papers compiles nothing; not compared.
    _matcher: _Matcher = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", _Matcher(self.topics))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self.topics)

    def topic(self, name_or_slug: str) -> TopicRule | None:
        """The rule with this name or slug (any case), if there is one."""
        slug = topic_slug(name_or_slug)
        for rule in self.topics:
            if rule.slug == slug or topic_slug(rule.name) == slug:
                return rule
        return None


def topic_slug(name: str) -> str:
    """A topic's slug: lowercase ASCII words joined by '-', the same rule paper slugs follow."""
    return make_slug(name, fallback="topic")


def default_taxonomy_path() -> Path:
    """The taxonomy shipped inside the package."""
    return Path(__file__).parent / "data" / "topics.yaml"


# --------------------------------------------------------------------------------------------
# Assigning topics


# Where a keyword was found, one of: "keywords" (the source's own), "category", "title",
# "abstract"; the phrase (or category); how often; the points it added.
Hit = tuple[str, str, int, float]


@dataclass(frozen=True)
class Evidence:
    """Why a topic scored what it did for one paper (``site-builder topics explain``)."""

    topic: str
    score: float
    hits: tuple[Hit, ...]


def _tally(
    title: str,
    abstract: str,
    taxonomy: Taxonomy,
    keywords: tuple[str, ...],
    categories: tuple[str, ...],
    record: list[list[Hit]] | None,
) -> list[float]:
    """Each topic's score; with ``record``, each hit is also written to record[topic]."""
    totals = [0.0] * len(taxonomy.topics)

    def add(topic: int, points: float, where: str, phrase: str, n: int) -> None:
        totals[topic] += points
        if record is not None:
            record[topic].append((where, phrase, n, points))

    if keywords:
        text = " . ".join(keywords)
        for topic, counts in enumerate(taxonomy._matcher.counts(text)):
            rule_keywords = taxonomy.topics[topic].keywords
            for index, n in counts.items():
                phrase, weight = rule_keywords[index]
                add(topic, weight * taxonomy.title_weight, "keywords", phrase, n)
    if categories:
        wanted = {c.strip().lower() for c in categories}
        for topic, rule in enumerate(taxonomy.topics):
            for category, weight in rule.categories:
                if category.lower() in wanted:
                    add(topic, weight, "category", category, 1)
    for topic, counts in enumerate(taxonomy._matcher.counts(title)):
        rule_keywords = taxonomy.topics[topic].keywords
        for index, n in counts.items():
            phrase, weight = rule_keywords[index]
            add(topic, weight * taxonomy.title_weight, "title", phrase, n)
    for topic, counts in enumerate(taxonomy._matcher.counts(abstract)):
        rule_keywords = taxonomy.topics[topic].keywords
        for index, n in counts.items():
            phrase, weight = rule_keywords[index]
            add(topic, weight * (1.0 + 0.5 * (min(n, _MAX_REPEATS) - 1)), "abstract", phrase, n)
    return totals


def topic_scores(
    title: str,
    abstract: str,
    taxonomy: Taxonomy,
    keywords: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> list[tuple[str, float]]:
    """Every topic with a positive score, best first (ties in taxonomy order).

    A keyword in the title adds ``weight * title_weight``; in the abstract ``weight``, times 1.5
    when it occurs twice and 2 when three or more times. The source's own keywords count like
    the title (an author who names a subject means it); a listed category adds its weight.
    """
    totals = _tally(title, abstract, taxonomy, keywords, categories, None)
    order = sorted(range(len(totals)), key=lambda i: (-totals[i], i))
    return [(taxonomy.topics[i].name, totals[i]) for i in order if totals[i] > 0]


def topic_evidence(
    title: str,
    abstract: str,
    taxonomy: Taxonomy,
    keywords: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> list[Evidence]:
    """``topic_scores`` with the hits behind each score, best first; same scores, same order."""
    record: list[list[Hit]] = [[] for _ in taxonomy.topics]
    totals = _tally(title, abstract, taxonomy, keywords, categories, record)
    order = sorted(range(len(totals)), key=lambda i: (-totals[i], i))
    return [
        Evidence(taxonomy.topics[i].name, totals[i], tuple(record[i]))
        for i in order
        if totals[i] > 0
    ]


def secondary_floor(best: float, taxonomy: Taxonomy) -> float:
    """The score a topic after the best one needs to be kept as well."""
    return max(taxonomy.min_score, min(taxonomy.secondary_ratio * best, taxonomy.strong_score))


def assign_topics(
    title: str,
    abstract: str,
    taxonomy: Taxonomy,
    max_topics: int = 3,
    keywords: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """The 1..max_topics topic names that fit a paper best, best first; deterministic.

    The best topic must score at least ``taxonomy.min_score``. Each further one must reach
    ``secondary_ratio`` of the best score, or ``strong_score`` (a paper whose music keywords
    pile up is still a diffusion paper when it says so clearly); it is never padded.
    """
    if max_topics < 1:
        raise ValueError(f"max_topics must be at least 1, got {max_topics}")
    scores = topic_scores(title, abstract, taxonomy, keywords, categories)
    if not scores or scores[0][1] < taxonomy.min_score:
        return (taxonomy.fallback,)
    floor = secondary_floor(scores[0][1], taxonomy)
    return tuple(name for name, score in scores[:max_topics] if score >= floor)


# --------------------------------------------------------------------------------------------
# Keyword matching
#
# Text is split into words once; each word is looked up in a dict of the words keyword phrases
# can start with, so the cost per paper grows with its length, not with the taxonomy's size
# (one regex alternation per topic took ~15 ms a paper; this takes ~0.15 ms).

# One word of a phrase, as matched against one word of the text: a set of exact spellings,
# or (for "word*") a tuple of prefixes.
_Piece = tuple[frozenset[str], tuple[str, ...]]
# Where a phrase variant can start: (topic index, keyword index, the pieces after the first).
_Entry = tuple[int, int, tuple[_Piece, ...]]


def _british(word: str) -> set[str]:
    """The word with every "iz"/"yz" also spelled "is"/"ys" (optimize, optimise)."""
    forms = {""}
    i = 0
    while i < len(word):
        pair = word[i : i + 2]
        if pair in ("iz", "yz"):
            forms = {f + pair for f in forms} | {f + pair[0] + "s" for f in forms}
            i += 2
        else:
            forms = {f + word[i] for f in forms}
            i += 1
    return forms


def _plurals(word: str) -> set[str]:
    """The word and its regular English plural (enough for technical nouns)."""
    if len(word) >= 3 and word[-1] == "y" and word[-2] not in "aeiou":
        return {word, word[:-1] + "ies"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return {word, word + "es"}
    if word[-1].isalpha():
        return {word, word + "s"}
    return {word}


def _piece(word: str, last: bool) -> _Piece:
    if word.endswith("*"):
        return frozenset(), tuple(sorted(_british(word[:-1])))
    forms = {plural for form in _british(word) for plural in _plurals(form)} if last else None
    return frozenset(forms if forms is not None else _british(word)), ()


def _variants(phrase: str) -> list[tuple[_Piece, ...]]:
    """Every way of reading a phrase as a sequence of text words.

    A gap between two words of the phrase may be a space or hyphen in the text, or nothing:
    "auto-encoder" is the words (auto, encoder) or the single word "autoencoder". A '*' can
    only end the last word of a joined-up group.
    """
    words = [w for w in re.split(r"[\s\-]+", phrase.lower()) if w]
    variants = []
    for mask in range(1 << (len(words) - 1)):
        groups: list[str] = [words[0]]
        for i, word in enumerate(words[1:]):
            if mask >> i & 1:
                if groups[-1].endswith("*"):
                    break  # "align*with" is not a word anyone writes
                groups[-1] += word
            else:
                groups.append(word)
        else:
            pieces = tuple(_piece(g, i == len(groups) - 1) for i, g in enumerate(groups))
            variants.append(pieces)
    return variants


def _fits(piece: _Piece, token: str) -> bool:
    exact, prefixes = piece
    return token in exact or (bool(prefixes) and token.startswith(prefixes))


class _Matcher:
    """Finds every topic's keywords in a text, longest match first within a topic."""

    def __init__(self, topics: tuple[TopicRule, ...]):
        self.size = len(topics)
        # Phrases are indexed by how they start, so most words of a text cost one dict lookup:
        self.single: dict[str, list[_Entry]] = {}  # one word: "gan"
        self.pair: dict[tuple[str, str], list[_Entry]] = {}  # by first two words: "score matching"
        self.loose: dict[str, list[_Entry]] = {}  # second word a wildcard: "data parallel*"
        self.prefix: dict[str, list[_Entry]] = {}  # first word a wildcard: "robot*"
        for t, rule in enumerate(topics):
            for k, (phrase, _weight) in enumerate(rule.keywords):
                for first, *rest in _variants(phrase):
                    entry = (t, k, tuple(rest))
                    for form in first[1]:
                        self.prefix.setdefault(form, []).append(entry)
                    for form in first[0]:
                        if not rest:
                            self.single.setdefault(form, []).append(entry)
                        elif rest[0][1]:
                            self.loose.setdefault(form, []).append(entry)
                        else:
                            for second in rest[0][0]:
                                self.pair.setdefault((form, second), []).append(entry)
        self.starts = {first for first, _ in self.pair} | set(self.loose)
        self.keys = set(self.single) | self.starts
        self.prefix_lengths = sorted({len(p) for p in self.prefix})
        # Most words start no wildcard phrase: one set lookup on their head rules them out.
        self.head = min(self.prefix_lengths, default=0)
        self.heads = {p[: self.head] for p in self.prefix}

    def counts(self, text: str) -> list[dict[int, int]]:
        """For each topic, how often each of its keywords (by index) occurs in ``text``.

        Within a topic, matches do not overlap: the leftmost wins, then the longest, so a
        weight-0 phrase such as "score distillation" hides the "distillation" inside it.
        """
        words = _words(text)
        found: list[list[tuple[int, int, int]]] = [[] for _ in range(self.size)]
        # Comprehensions skip the many words that start no phrase at C speed.
        for i in [i for i, word in enumerate(words) if word in self.keys]:
            word = words[i]
            for topic, keyword, _ in self.single.get(word, ()):
                found[topic].append((i, -i, keyword))
            if word in self.starts and i + 1 < len(words):
                candidates = self.pair.get((word, words[i + 1]), []) + self.loose.get(word, [])
                for topic, keyword, rest in candidates:
                    if _continues(words, i, rest):
                        found[topic].append((i, -(i + len(rest)), keyword))
        if self.heads:
            head = self.head
            for i in [i for i, word in enumerate(words) if word[:head] in self.heads]:
                word = words[i]
                for length in self.prefix_lengths:
                    if length > len(word):
                        break
                    for topic, keyword, rest in self.prefix.get(word[:length], ()):
                        if _continues(words, i, rest):
                            found[topic].append((i, -(i + len(rest)), keyword))
        result: list[dict[int, int]] = []
        for matches in found:
            counts: dict[int, int] = {}
            if not matches:
                result.append(counts)
                continue
            reach = 0
            for start, neg_end, keyword in sorted(matches):
                if start >= reach:
                    counts[keyword] = counts.get(keyword, 0) + 1
                    reach = 1 - neg_end
            result.append(counts)
        return result


def _continues(words: list[str], i: int, rest: tuple[_Piece, ...]) -> bool:
    """Whether the words after ``words[i]`` are ``rest`` (a _BREAK between never fits)."""
    if i + len(rest) >= len(words):
        return False
    return all(_fits(piece, words[i + j]) for j, piece in enumerate(rest, start=1))


# --------------------------------------------------------------------------------------------
# Loading and validating the YAML file

_TOP_KEYS = ("fallback", "scoring", "topics", "areas")
_AREA_KEYS = ("name", "slug", "description", "topics")
_TOPIC_KEYS = ("name", "slug", "description", "keywords", "categories")
_SCORING_KEYS = ("title_weight", "min_score", "secondary_ratio", "strong_score")
_SCALAR_TYPES = {
    "tag:yaml.org,2002:str": "a string",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing",
}


class _Reader:
    """Walks the composed YAML nodes of one file, raising ContentError at the offending line."""

    def __init__(self, path: Path):
        self.path = path

    def error(self, node: yaml.Node | None, message: str) -> ContentError:
        line = node.start_mark.line + 1 if node is not None else None
        return ContentError(message, self.path, line)

    def kind(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.MappingNode):
            return "a mapping"
        if isinstance(node, yaml.SequenceNode):
            return "a list"
        if node.tag == "tag:yaml.org,2002:str" and not str(node.value).strip():
            return "an empty string"
        return _SCALAR_TYPES.get(node.tag, f"a {node.tag.rsplit(':', 1)[-1]}")

    def mapping(self, node: yaml.Node, where: str, what: str) -> list[tuple[str, yaml.Node]]:
        """The (key, value node) pairs of a mapping; keys are text, duplicates are errors."""
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{where} must be {what}, got {self.kind(node)}")
        seen: dict[str, int] = {}
        pairs = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, f"{where} keys must be text, got {self.kind(key_node)}")
            key = str(key_node.value)
            if key in seen:
                raise self.error(key_node, f"{where} has {key!r} twice (first on line {seen[key]})")
            seen[key] = key_node.start_mark.line + 1
            pairs.append((key, value_node))
        return pairs

    def check_keys(
        self,
        node: yaml.Node,
        pairs: list[tuple[str, yaml.Node]],
        allowed: tuple[str, ...],
        where: str,
    ) -> None:
        for (key, _), (key_node, _) in zip(pairs, node.value, strict=True):
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = (
                    f"; did you mean {close[0]!r}?"
                    if close
                    else f" (allowed: {', '.join(allowed)})"
                )
                raise self.error(key_node, f"{where} has an unknown key {key!r}{hint}")

    def text(self, node: yaml.Node, where: str) -> str:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str"):
            raise self.error(node, f"{where} must be text, got {self.kind(node)}")
        value = str(node.value).strip()
        if not value:
            raise self.error(node, f"{where} must not be empty")
        return value

    def number(self, node: yaml.Node, where: str) -> float:
        if not (
            isinstance(node, yaml.ScalarNode)
            and node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
        ):
            raise self.error(
                node, f"{where} must be a number, got {self.kind(node)} ({_show(node)})"
            )
        try:
            value = float(SafeConstructor().construct_object(node))
        except (ConstructorError, ValueError):
            raise self.error(node, f"{where} must be a number, got {_show(node)}") from None
        if not math.isfinite(value):
            raise self.error(node, f"{where} must be a finite number, got {_show(node)}")
        return value


def _show(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value)
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file; ``None`` means the packaged default.

    Every problem is a ContentError naming the file and the line of the offending entry.
    """
    path = default_taxonomy_path() if path is None else Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError("taxonomy file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"cannot read taxonomy file: {exc}", path) from None
    return parse_taxonomy(source, path)


def parse_taxonomy(source: str, path: Path) -> Taxonomy:
    """Validate a taxonomy given as YAML text (``path`` is only used in messages)."""
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError(
            f"YAML syntax error: {problem}", path, mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"YAML syntax error: {exc}", path) from None
    reader = _Reader(path)
    if root is None:
        raise ContentError("taxonomy file is empty; it needs a 'topics:' list", path, 1)
    top = reader.mapping(root, "the taxonomy", "a mapping with a 'topics:' list")
    reader.check_keys(root, top, _TOP_KEYS, "the taxonomy")
    values = dict(top)

    fallback = DEFAULT_FALLBACK
    if "fallback" in values:
        fallback = reader.text(values["fallback"], "fallback")
    settings = _read_scoring(reader, values.get("scoring"))
    if ("topics" in values) == ("areas" in values):
        raise reader.error(
            root, "the taxonomy needs a 'topics:' list or an 'areas:' list of topic groups (one)"
        )
    areas: tuple[AreaRule, ...] = ()
    if "topics" in values:
        topics = tuple(_read_topics(reader, values["topics"], {}, {}))
    else:
        areas, topics = _read_areas(reader, values["areas"])

    fallback_slug = topic_slug(fallback)
    for rule in topics:
        if rule.slug == fallback_slug and rule.name != fallback:
            raise reader.error(
                values.get("fallback", root),
                f"fallback {fallback!r} has the same slug as topic {rule.name!r}",
            )
    return Taxonomy(topics=topics, fallback=fallback, path=path, areas=areas, **settings)


def _read_scoring(reader: _Reader, node: yaml.Node | None) -> dict[str, float]:
    settings: dict[str, float] = {}
    if node is None:
        return settings
    pairs = reader.mapping(node, "scoring", "a mapping")
    reader.check_keys(node, pairs, _SCORING_KEYS, "scoring")
    for key, value_node in pairs:
        value = reader.number(value_node, f"scoring.{key}")
        if key == "secondary_ratio" and not 0 < value <= 1:
            raise reader.error(value_node, f"scoring.{key} must be between 0 and 1, got {value:g}")
        if key != "secondary_ratio" and value <= 0:
            raise reader.error(value_node, f"scoring.{key} must be positive, got {value:g}")
        settings[key] = value
    return settings


def _read_areas(
    reader: _Reader, node: yaml.Node
) -> tuple[tuple[AreaRule, ...], tuple[TopicRule, ...]]:
    if not isinstance(node, yaml.SequenceNode):
        raise reader.error(node, f"areas must be a list of areas, got {reader.kind(node)}")
    if not node.value:
        raise reader.error(node, "areas must list at least one area")
    # Topic names and slugs are unique across the whole file: a topic page has one URL.
    names: dict[str, tuple[str, int]] = {}
    slugs: dict[str, tuple[str, int]] = {}
    area_slugs: dict[str, tuple[str, int]] = {}
    areas: list[AreaRule] = []
    topics: list[TopicRule] = []
    for i, item in enumerate(node.value):
        where = f"areas[{i}]"
        pairs = reader.mapping(item, where, "a mapping with name and topics")
        values = dict(pairs)
        if "name" not in values:
            raise reader.error(item, f"{where} needs a 'name'")
        name = reader.text(values["name"], f"{where}.name")
        where = f"areas[{i}] ({name})"
        reader.check_keys(item, pairs, _AREA_KEYS, where)
        if "topics" not in values:
            raise reader.error(item, f"{where} needs 'topics'")
        slug = _read_slug(reader, values, name, where)
        if slug in area_slugs:
            other, other_line = area_slugs[slug]
            raise reader.error(
                values.get("slug", values["name"]),
                f"{where}: slug {slug!r} is already used by area {other!r} on line {other_line}",
            )
        area_slugs[slug] = (name, item.start_mark.line + 1)
        description = ""
        if "description" in values:
            description = reader.text(values["description"], f"{where}.description")
        members = tuple(
            _read_topics(reader, values["topics"], names, slugs, area=slug, prefix=f"{where}.")
        )
        topics.extend(members)
        areas.append(AreaRule(name, slug, description, tuple(t.slug for t in members)))
    return tuple(areas), tuple(topics)


def _read_slug(reader: _Reader, values: dict[str, yaml.Node], name: str, where: str) -> str:
    if "slug" not in values:
        return topic_slug(name)
    slug = reader.text(values["slug"], f"{where}.slug")
    if not is_valid_slug(slug):
        raise reader.error(
            values["slug"],
            f"{where}.slug {slug!r} is not path-safe: use lowercase letters, digits and "
            f"'-', e.g. {topic_slug(slug)!r}",
        )
    return slug


def _read_topics(
    reader: _Reader,
    node: yaml.Node,
    names: dict[str, tuple[str, int]],
    slugs: dict[str, tuple[str, int]],
    area: str = "",
    prefix: str = "",
) -> Iterator[TopicRule]:
    if not isinstance(node, yaml.SequenceNode):
        raise reader.error(
            node, f"{prefix}topics must be a list of topics, got {reader.kind(node)}"
        )
    if not node.value:
        raise reader.error(node, f"{prefix}topics must list at least one topic")
    for i, item in enumerate(node.value):
        where = f"{prefix}topics[{i}]"
        pairs = reader.mapping(item, where, "a mapping with name and keywords")
        values = dict(pairs)
        if "name" not in values:
            raise reader.error(item, f"{where} needs a 'name'")
        name = reader.text(values["name"], f"{where}.name")
        where = f"{prefix}topics[{i}] ({name})"  # the name helps find the entry in a long file
        reader.check_keys(item, pairs, _TOPIC_KEYS, where)
        if "keywords" not in values:
            raise reader.error(item, f"{where} needs 'keywords'")
        line = item.start_mark.line + 1

        slug = _read_slug(reader, values, name, where)
        description = ""
        if "description" in values:
            description = reader.text(values["description"], f"{where}.description")

        folded = name.casefold()
        if folded in names:
            _, other_line = names[folded]
            raise reader.error(
                values["name"], f"{where}: topic {name!r} is already defined on line {other_line}"
            )
        if slug in slugs:
            other, other_line = slugs[slug]
            raise reader.error(
                values.get("slug", values["name"]),
                f"{where}: slug {slug!r} is already used by topic {other!r} on line {other_line}",
            )
        names[folded] = (name, line)
        slugs[slug] = (name, line)

        keywords = _read_keywords(reader, values["keywords"], f"{where}.keywords")
        categories: tuple[tuple[str, float], ...] = ()
        if "categories" in values:
            categories = _read_categories(reader, values["categories"], f"{where}.categories")
        yield TopicRule(
            name=name,
            slug=slug,
            description=description,
            keywords=keywords,
            categories=categories,
            area=area,
        )


def _read_categories(
    reader: _Reader, node: yaml.Node, where: str
) -> tuple[tuple[str, float], ...]:
    if not isinstance(node, yaml.MappingNode):
        raise reader.error(
            node, f"{where} must be a mapping of category to weight, got {reader.kind(node)}"
        )
    result = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or not str(key_node.value).strip():
            raise reader.error(key_node, f"{where}: a category must be text, e.g. cs.CV")
        category = str(key_node.value).strip()
        result.append((category, reader.number(value_node, f"{where}[{category!r}]")))
    return tuple(result)


def _read_keywords(reader: _Reader, node: yaml.Node, where: str) -> tuple[tuple[str, float], ...]:
    if not isinstance(node, yaml.MappingNode):
        raise reader.error(
            node, f"{where} must be a mapping of phrase to weight, got {reader.kind(node)}"
        )
    if not node.value:
        raise reader.error(node, f"{where} must list at least one phrase")
    seen: dict[str, int] = {}
    keywords = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise reader.error(
                key_node, f"{where}: a phrase must be text, got {reader.kind(key_node)}"
            )
        # The raw text, so that `yes: 2` or `3d: 2` mean the words, not a boolean or number.
        phrase = " ".join(str(key_node.value).split())
        if not phrase or not _PHRASE_OK.fullmatch(phrase) or not re.search(r"\w", phrase):
            raise reader.error(
                key_node,
                f"{where}: {phrase!r} is not a usable phrase (words separated by spaces or "
                "hyphens; '*' only at the end of a word)",
            )
        if len(re.split(r"[\s\-]+", phrase)) > _MAX_WORDS:
            raise reader.error(
                key_node, f"{where}: {phrase!r} is too long (at most {_MAX_WORDS} words)"
            )
        canonical = " ".join(re.split(r"[\s\-]+", phrase.lower()))
        if canonical in seen:
            raise reader.error(
                key_node, f"{where}: {phrase!r} is listed twice (first on line {seen[canonical]})"
            )
        seen[canonical] = key_node.start_mark.line + 1
        weight = reader.number(value_node, f"{where}[{phrase!r}]")
        keywords.append((phrase, weight))
    if all(weight <= 0 for _, weight in keywords):
        raise reader.error(node, f"{where} needs at least one phrase with a positive weight")
    return tuple(keywords)
