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

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ContentError, Diagnostics, raise_collected
from .schema import SLUG, Key, check_mapping, check_value
from .slugs import make_slug
from .yamlutil import Place, Tree, parse_tree, type_name

DEFAULT_FALLBACK = "Machine learning"
DEFAULT_TITLE_WEIGHT = 3.0
DEFAULT_MIN_SCORE = 4.0
DEFAULT_SECONDARY_RATIO = 0.4
DEFAULT_STRONG_SCORE = 12.0

# A topic after the best one needs this many mentions: a hit in the title or the source's
# keywords is enough on its own; a listed category or one abstract occurrence is one mention.
# One passing "we prompt an LLM" is not what a paper is about.
MIN_MENTIONS = 2

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
# punctuation breaks a phrase and becomes a _BREAK token that no keyword matches; an opening
# bracket becomes _OPEN, so that "large language models (LLMs)" can be read as one mention.
# ASCII text (nearly all abstracts) takes a translate table, several times faster than a regex.
_BREAK = "\x01"
_OPEN = "\x02"
_ASCII_WORDS = str.maketrans(
    {
        c: (" " if chr(c).isspace() or chr(c) == "-" else _OPEN if chr(c) in "([" else _BREAK)
        for c in range(128)
        if not (chr(c).isalnum() or chr(c) == "_")
    }
)
_UNICODE_HYPHENS = str.maketrans({"\u2010": " ", "\u2011": " "})
_UNICODE_BREAKS = re.compile(rf"[^\w\s{_BREAK}{_OPEN}]")


def _words(text: str) -> list[str]:
    """The lowercase words of ``text``, with _BREAK (or _OPEN) where punctuation separates them."""
    text = text.lower()
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    text = text.translate(_ASCII_WORDS)
    if not text.isascii():
        text = _UNICODE_BREAKS.sub(_BREAK, text.translate(_UNICODE_HYPHENS))
    return text.replace(_BREAK, f" {_BREAK} ").replace(_OPEN, f" {_OPEN} ").split()


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
    # Abbreviations found but not counted: the text spells them out as another topic's phrase
    # (see _foreign_abbreviations). Their points are 0.
    left_out: tuple[Hit, ...] = ()


def _tally(
    title: str,
    abstract: str,
    taxonomy: Taxonomy,
    keywords: tuple[str, ...],
    categories: tuple[str, ...],
    record: list[list[Hit]] | None,
    mentions: list[int] | None = None,
    left_out: list[list[Hit]] | None = None,
) -> list[float]:
    """Each topic's score; with ``record``, each hit is also written to record[topic]; with
    ``mentions``, each topic's mentions (see MIN_MENTIONS) are added to mentions[topic]; with
    ``left_out``, each abbreviation not counted (see Evidence) to left_out[topic]."""
    totals = [0.0] * len(taxonomy.topics)

    def add(topic: int, points: float, where: str, phrase: str, n: int) -> None:
        totals[topic] += points
        if record is not None:
            record[topic].append((where, phrase, n, points))
        if mentions is not None and points > 0:
            mentions[topic] += n if where == "abstract" else 1 if where == "category" else 2

    dropped: list[tuple[int, int, int]] | None = [] if left_out is not None else None

    def not_counted(where: str) -> None:
        if left_out is not None and dropped:
            for topic, keyword, n in dropped:
                left_out[topic].append((where, taxonomy.topics[topic].keywords[keyword][0], n, 0.0))
            dropped.clear()

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
    for topic, counts in enumerate(taxonomy._matcher.counts(title, dropped)):
        rule_keywords = taxonomy.topics[topic].keywords
        for index, n in counts.items():
            phrase, weight = rule_keywords[index]
            add(topic, weight * taxonomy.title_weight, "title", phrase, n)
    not_counted("title")
    for topic, counts in enumerate(taxonomy._matcher.counts(abstract, dropped)):
        rule_keywords = taxonomy.topics[topic].keywords
        for index, n in counts.items():
            phrase, weight = rule_keywords[index]
            add(topic, weight * (1.0 + 0.5 * (min(n, _MAX_REPEATS) - 1)), "abstract", phrase, n)
    not_counted("abstract")
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
    left_out: list[list[Hit]] = [[] for _ in taxonomy.topics]
    totals = _tally(title, abstract, taxonomy, keywords, categories, record, left_out=left_out)
    order = sorted(range(len(totals)), key=lambda i: (-totals[i], i))
    return [
        Evidence(taxonomy.topics[i].name, totals[i], tuple(record[i]), tuple(left_out[i]))
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
    pile up is still a diffusion paper when it says so clearly), and be more than a passing
    mention: named in the title or the source's keywords, or found at least twice in the
    abstract (a listed category counts once). It is never padded.
    """
    return assign_with_profile(title, abstract, taxonomy, max_topics, keywords, categories)[0]


def assign_with_profile(
    title: str,
    abstract: str,
    taxonomy: Taxonomy,
    max_topics: int = 3,
    keywords: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> tuple[tuple[str, ...], TopicProfile]:
    """``assign_topics`` and the paper's topic profile (see ``topic_profile``), from one tally."""
    if max_topics < 1:
        raise ValueError(f"max_topics must be at least 1, got {max_topics}")
    mentions = [0] * len(taxonomy.topics)
    totals = _tally(title, abstract, taxonomy, keywords, categories, None, mentions)
    order = sorted(range(len(totals)), key=lambda i: (-totals[i], i))
    profile = _profile(totals, order, taxonomy)
    if not order or totals[order[0]] < taxonomy.min_score:
        return (taxonomy.fallback,), profile
    floor = secondary_floor(totals[order[0]], taxonomy)
    kept = [order[0]] + [
        i for i in order[1:max_topics] if totals[i] >= floor and mentions[i] >= MIN_MENTIONS
    ]
    return tuple(taxonomy.topics[i].name for i in kept), profile


# How much a paper is about each of its best-scoring topics: (topic name, weight), best first.
TopicProfile = tuple[tuple[str, float], ...]
# Topics in a profile: past the fifth, scores are passing mentions (bench/quality.py: 3, 5, 8
# and all gave the same related-paper agreement within noise; 5 bounds the memory at 100k).
PROFILE_TOPICS = 5
FULL_PROFILE_AT = 2  # times min_score: the best score at which a profile has length 1


def topic_profile(
    title: str,
    abstract: str,
    taxonomy: Taxonomy,
    keywords: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> TopicProfile:
    """The paper's PROFILE_TOPICS best-scoring topics, each weighted by the square root of its
    score, as a vector whose length says how sure the taxonomy is: 1 when the best score
    reaches twice ``min_score``, less below it, so a paper
    the taxonomy barely fits is compared mostly on its words. Related papers compare these
    vectors: unlike the assigned topics, they keep how strongly a paper is about each topic
    and the near misses that did not make its topic list."""
    totals = _tally(title, abstract, taxonomy, keywords, categories, None)
    order = sorted(range(len(totals)), key=lambda i: (-totals[i], i))
    return _profile(totals, order, taxonomy)


def _profile(totals: list[float], order: list[int], taxonomy: Taxonomy) -> TopicProfile:
    best = [i for i in order[:PROFILE_TOPICS] if totals[i] > 0]
    if not best:
        return ()
    length = sum(totals[i] for i in best) ** 0.5  # of the vector of square roots
    full = FULL_PROFILE_AT * taxonomy.min_score
    sure = min(1.0, totals[best[0]] / full) if full > 0 else 1.0
    # Rounded to 3 places, so that equal (topic, weight) pairs can be shared (enrich/topics).
    return tuple(
        (taxonomy.topics[i].name, round(totals[i] ** 0.5 / length * sure, 3)) for i in best
    )


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

    def counts(
        self, text: str, dropped: list[tuple[int, int, int]] | None = None
    ) -> list[dict[int, int]]:
        """For each topic, how often each of its keywords (by index) occurs in ``text``.

        Within a topic, matches do not overlap: the leftmost wins, then the longest, so a
        weight-0 phrase such as "score distillation" hides the "distillation" inside it. A
        match in brackets right after another of the same topic ("large language models
        (LLMs)") restates it and is not counted again.
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
        # Where some topic's phrase ends right before an opening bracket: "... models (".
        claimed = (
            {1 - neg_end for matches in found for _, neg_end, _ in matches}
            if _OPEN in words
            else set()
        )
        for matches in found:
            counts: dict[int, int] = {}
            if not matches:
                result.append(counts)
                continue
            foreign = _foreign_abbreviations(words, matches, claimed) if claimed else set()
            if foreign and dropped is not None:
                for keyword in sorted(foreign):
                    n = sum(1 for _, _, k in matches if k == keyword)
                    dropped.append((len(result), keyword, n))
            reach = 0
            for start, neg_end, keyword in sorted(matches):
                if start < reach or keyword in foreign:
                    continue
                # An abbreviation defined in brackets: one mention, however it is spelled.
                restated = (
                    start == reach + 1
                    and reach > 0
                    and words[start - 1] == _OPEN
                    and 1 - neg_end < len(words)
                    and words[1 - neg_end] == _BREAK
                )
                if not restated:
                    counts[keyword] = counts.get(keyword, 0) + 1
                reach = 1 - neg_end
            result.append(counts)
        return result


def _foreign_abbreviations(
    words: list[str], matches: list[tuple[int, int, int]], claimed: set[int]
) -> set[int]:
    """One topic's one-word keywords that the text defines, in brackets, as short for another
    topic's phrase and none of this one's: "multilingual large language models (MLLMs)" makes
    every MLLM in that text a language model, not the vision-language topic's MLLM.
    (``claimed``: where any topic's phrase ends.)"""
    ends = {1 - neg_end for _, neg_end, _ in matches}
    return {
        keyword
        for start, neg_end, keyword in matches
        if -neg_end == start  # one word
        and start >= 2
        and words[start - 1] == _OPEN
        and 1 - neg_end < len(words)
        and words[1 - neg_end] == _BREAK
        and start - 1 in claimed  # the phrase before the bracket is another topic's ...
        and start - 1 not in ends  # ... and not this one's
    }


def _continues(words: list[str], i: int, rest: tuple[_Piece, ...]) -> bool:
    """Whether the words after ``words[i]`` are ``rest`` (a _BREAK between never fits)."""
    if i + len(rest) >= len(words):
        return False
    return all(_fits(piece, words[i + j]) for j, piece in enumerate(rest, start=1))


# --------------------------------------------------------------------------------------------
# Loading and validating the YAML file
#
# The file is parsed once (yamlutil.parse_tree keeps every key's line); each mapping in it is
# checked against its keys below (schema.check_mapping); every problem in the file is collected
# and reported together, each at its own line.

_TOP_KEYS = (
    Key("fallback", str, DEFAULT_FALLBACK, "the topic of a paper no topic fits"),
    Key("scoring", object, None, "how keywords add up to a topic (the keys below)"),
    Key("topics", object, None, "the topics (a one-level taxonomy)"),
    Key("areas", object, None, "groups of topics, each with its own topics (two levels)"),
)
_SCORING_KEYS = (
    Key(
        "title_weight",
        float,
        DEFAULT_TITLE_WEIGHT,
        "a keyword in the title counts this many times its weight",
        above=0,
    ),
    Key(
        "min_score",
        float,
        DEFAULT_MIN_SCORE,
        "the score a paper's best topic needs, else it gets the fallback",
        above=0,
    ),
    Key(
        "secondary_ratio",
        float,
        DEFAULT_SECONDARY_RATIO,
        "a further topic needs this share of the best topic's score ...",
        above=0,
        high=1,
    ),
    Key("strong_score", float, DEFAULT_STRONG_SCORE, "... or at least this score", above=0),
)
_AREA_KEYS = (
    Key("name", str, None, "the area's name, shown to readers", required=True),
    Key("slug", SLUG, None, "its URL name; default: from the name"),
    Key("description", str, "", "one line shown on the area's page"),
    Key("topics", object, None, "the area's topics", required=True),
)
_TOPIC_KEYS = (
    Key("name", str, None, "the topic's name, shown to readers", required=True),
    Key("slug", SLUG, None, "its URL name, topics/<slug>/; default: from the name"),
    Key("description", str, "", "one line shown on the topic's page"),
    Key("keywords", object, None, "phrase: weight, found in title and abstract", required=True),
    Key("categories", object, None, "source category: weight, e.g. cs.CV: 4"),
)
# One keyword's or category's weight: any finite number (0 masks a phrase, see _Matcher).
_WEIGHT = Key("weight", float, 0.0, "how much the phrase counts")


class _Reader:
    """Checks one parsed taxonomy file, collecting every problem at its line."""

    def __init__(self, tree: Tree, path: Path):
        self.tree, self.path = tree, path
        self.found = Diagnostics()
        # Topic names and slugs are unique across the whole file: a topic page has one URL.
        self.names: dict[str, int] = {}
        self.slugs: dict[str, tuple[str, int]] = {}
        self.area_slugs: dict[str, tuple[str, int]] = {}

    def line(self, at: Place) -> int | None:
        return self.tree.line(at)

    def error(self, at: Place, message: str) -> None:
        self.found.error(message, self.path, self.line(at))

    def mapping(
        self, value: object, at: Place, where: str, keys: tuple[Key, ...], shape: str
    ) -> dict[str, object] | None:
        """The checked values of a mapping (defaults filled in), or None if it is no mapping."""
        if not isinstance(value, dict):
            self.error(at, f"{where or 'the taxonomy'} must be {shape}, got {type_name(value)}")
            return None
        values, found = check_mapping(
            value,
            keys,
            lambda key: (self.path, self.line((*at, key))),
            what="key" if where else "taxonomy key",
            where=where,
        )
        self.found.extend(found)
        return values

    def entries(self, value: object, at: Place, what: str) -> list[object]:
        """A list of areas or topics: a list with at least one entry."""
        name = self.describe(at)
        if not isinstance(value, list):
            self.error(at, f"{name} must be a list of {what}s, got {type_name(value)}")
            return []
        if not value:
            self.error(at, f"{name} must list at least one {what}")
        return value

    def describe(self, at: Place) -> str:
        return self.tree.describe(at)

    def slug(self, values: dict[str, object], name: str) -> str:
        slug = values["slug"]
        return slug if isinstance(slug, str) else topic_slug(name)

    def areas(self, value: object) -> tuple[tuple[AreaRule, ...], tuple[TopicRule, ...]]:
        areas: list[AreaRule] = []
        topics: list[TopicRule] = []
        for i, item in enumerate(self.entries(value, ("areas",), "area")):
            at: Place = ("areas", i)
            where = self.describe(at)
            values = self.mapping(item, at, where, _AREA_KEYS, "a mapping with name and topics")
            if values is None:
                continue
            name = values["name"]
            named = isinstance(name, str) and bool(name.strip())
            slug = self.slug(values, str(name).strip()) if named else ""
            # Its topics are checked even when the area itself is wrong: every error at once.
            members = (
                self.topics(values["topics"], (*at, "topics"), slug) if values["topics"] else []
            )
            if not named:
                continue
            if slug in self.area_slugs:
                other, other_line = self.area_slugs[slug]
                self.error(
                    (*at, "slug" if values["slug"] else "name"),
                    f"{where}: slug {slug!r} is already used by area {other!r} "
                    f"on line {other_line}",
                )
            self.area_slugs.setdefault(slug, (str(name).strip(), self.line(at) or 0))
            topics.extend(members)
            areas.append(
                AreaRule(
                    str(name).strip(),
                    slug,
                    str(values["description"]).strip(),
                    tuple(t.slug for t in members),
                )
            )
        return tuple(areas), tuple(topics)

    def topics(self, value: object, at: Place, area: str) -> list[TopicRule]:
        rules: list[TopicRule] = []
        for i, item in enumerate(self.entries(value, at, "topic")):
            item_at: Place = (*at, i)
            where = self.describe(item_at)
            values = self.mapping(
                item, item_at, where, _TOPIC_KEYS, "a mapping with name and keywords"
            )
            if values is None:
                continue
            keywords = self.weights(values["keywords"], (*item_at, "keywords"), where, "phrase")
            categories = self.weights(
                values["categories"], (*item_at, "categories"), where, "category"
            )
            name = values["name"]
            if not isinstance(name, str) or not name.strip():
                continue
            name = name.strip()
            slug = self.slug(values, name)
            line = self.line(item_at) or 0
            folded = name.casefold()
            if folded in self.names:
                self.error(
                    (*item_at, "name"),
                    f"{where}: topic {name!r} is already defined on line {self.names[folded]}",
                )
            elif slug in self.slugs:
                other, other_line = self.slugs[slug]
                self.error(
                    (*item_at, "slug" if values["slug"] else "name"),
                    f"{where}: slug {slug!r} is already used by topic {other!r} on line "
                    f"{other_line}",
                )
            self.names.setdefault(folded, line)
            self.slugs.setdefault(slug, (name, line))
            rules.append(
                TopicRule(
                    name=name,
                    slug=slug,
                    description=str(values["description"]).strip(),
                    keywords=keywords,
                    categories=categories,
                    area=area,
                )
            )
        return rules

    def weights(
        self, value: object, at: Place, where: str, what: str
    ) -> tuple[tuple[str, float], ...]:
        """A mapping of phrase (or category) to weight; keywords need one positive weight."""
        field = "keywords" if what == "phrase" else "categories"
        name = f"{where}.{field}"
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.error(at, f"{name} must be a mapping of {what} to weight, got {type_name(value)}")
            return ()
        if what == "phrase" and not value:
            self.error(at, f"{name} must list at least one phrase")
            return ()
        seen: dict[str, int] = {}
        result: list[tuple[str, float]] = []
        bad = False
        for raw, weight in value.items():
            word_at = (*at, raw)
            text = " ".join(raw.split())
            problem = self.phrase_problem(text) if what == "phrase" else None
            if what == "category" and not text:
                problem = "a category must be text, e.g. cs.CV"
            if problem:
                self.error(word_at, f"{name}: {problem}")
                bad = True
                continue
            canonical = " ".join(re.split(r"[\s\-]+", text.lower()))
            if canonical in seen:
                self.error(
                    word_at, f"{name}: {text!r} is listed twice (first on line {seen[canonical]})"
                )
                bad = True
                continue
            seen[canonical] = self.line(word_at) or 0
            problems, number = check_value(replace(_WEIGHT, name=f"{name}[{text!r}]"), weight)
            if weight is None:
                problems = (f"{name}[{text!r}] must be a number, got nothing",)
            for problem in problems:
                self.error(word_at, problem)
            bad = bad or bool(problems)
            if not problems:
                result.append((text, float(number)))  # type: ignore[arg-type]
        if what == "phrase" and not bad and all(w <= 0 for _, w in result):
            self.error(at, f"{name} needs at least one phrase with a positive weight")
        return tuple(result)

    @staticmethod
    def phrase_problem(phrase: str) -> str | None:
        return phrase_problem(phrase)


def phrase_problem(phrase: str) -> str | None:
    """Why ``phrase`` cannot be a keyword phrase, or None when it can."""
    if not phrase or not _PHRASE_OK.fullmatch(phrase) or not re.search(r"\w", phrase):
        return (
            f"{phrase!r} is not a usable phrase (words separated by spaces or hyphens; "
            "'*' only at the end of a word)"
        )
    if len(re.split(r"[\s\-]+", phrase)) > _MAX_WORDS:
        return f"{phrase!r} is too long (at most {_MAX_WORDS} words)"
    return None


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file; ``None`` means the packaged default.

    Every problem in the file is reported together, each naming the file and its line: one as
    a ContentError, several as an ErrorList.
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
    tree = parse_tree(source, path)
    if tree.value is None:
        raise ContentError("taxonomy file is empty; it needs a 'topics:' list", path, 1)
    reader = _Reader(tree, path)
    for place, line, first in tree.duplicates:
        where = reader.describe(place[:-1]) or "the taxonomy"
        reader.found.error(f"{where} has {place[-1]!r} twice (first on line {first})", path, line)
    top = reader.mapping(tree.value, (), "", _TOP_KEYS, "a mapping with a 'topics:' list")
    if top is None:
        _raise(reader.found)
    assert top is not None
    fallback = str(top["fallback"]).strip()
    if not fallback:
        reader.error(("fallback",), "fallback must not be empty")
    settings: dict[str, object] = {}
    if top["scoring"] is not None:
        settings = (
            reader.mapping(top["scoring"], ("scoring",), "scoring", _SCORING_KEYS, "a mapping")
            or {}
        )
    has_topics, has_areas = (
        tree.value.get("topics") is not None,
        tree.value.get("areas") is not None,
    )
    areas: tuple[AreaRule, ...] = ()
    topics: tuple[TopicRule, ...] = ()
    if has_topics == has_areas:
        reader.error(
            (), "the taxonomy needs a 'topics:' list or an 'areas:' list of topic groups (one)"
        )
    elif has_topics:
        topics = tuple(reader.topics(top["topics"], ("topics",), ""))
    else:
        areas, topics = reader.areas(top["areas"])
    fallback_slug = topic_slug(fallback) if fallback else ""
    for rule in topics:
        if rule.slug == fallback_slug and rule.name != fallback:
            reader.error(
                ("fallback",), f"fallback {fallback!r} has the same slug as topic {rule.name!r}"
            )
    _raise(reader.found)
    return Taxonomy(
        topics=topics,
        fallback=fallback,
        path=path,
        areas=areas,
        **{k: settings[k] for k in settings},  # type: ignore[arg-type]
    )


def _raise(found: Diagnostics) -> None:
    """Every error of the file, in line order: one as a ContentError, several as an ErrorList."""
    errors = sorted(found.errors, key=lambda d: d.line or 0)
    raise_collected([ContentError.of(d) for d in errors])
