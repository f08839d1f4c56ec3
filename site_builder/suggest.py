"""`site-builder topics suggest`: a draft taxonomy for a collection the default does not fit.

Papers are clustered on their words (TF-IDF factored by non-negative matrix factorisation,
NMF: both from scikit-learn), and each cluster is named by its authors' keywords when the
source has them, else by the terms its titles share and its class-based TF-IDF terms (the
words frequent in the cluster and rare in the others). The result is a one-level taxonomy file,
in the format `topics_file:` reads, with member counts and example titles as comments for the
user to edit.
Everything is seeded, so the same collection always gives the same draft.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
from sklearn.preprocessing import normalize

from .model import Paper
from .taxonomy import phrase_problem

# Words every abstract uses whatever its field; they name no topic.
_GENERIC = frozenset(
    [
        "paper",
        "propose",
        "proposed",
        "approach",
        "method",
        "methods",
        "result",
        "results",
        "show",
        "shows",
        "using",
        "use",
        "used",
        "based",
        "new",
        "novel",
        "study",
        "studies",
        "work",
        "present",
        "presents",
        "introduce",
        "demonstrate",
        "model",
        "models",
        "performance",
        "data",
        "analysis",
        "significant",
        "significantly",
        "different",
        "also",
        "two",
        "three",
        "one",
        "however",
        "provide",
        "provides",
        "state",
        "art",
        "first",
        "well",
        "high",
        "low",
        "large",
        "small",
        "via",
        "let",  # "Let G be a group"
        "within",
        "across",
        "among",
        "compared",
        "existing",
        "recent",
        "experiments",
        "experimental",
        "achieve",
        "achieves",
        "improved",
        "improve",
    ]
)
_STOP = list(ENGLISH_STOP_WORDS | _GENERIC)
_STOP_SET = frozenset(_STOP)
# What hyphenated words leave when split ("end-to-end", "multi-agent", "self-supervised"):
# kept for the phrases they start ("multi agent"), never a keyword on their own.
_FRAGMENTS = frozenset(["end", "multi", "non", "pre", "self", "semi", "cross", "co"])
_TOKEN = r"(?u)\b[^\W\d_][^\W_]{2,}\b"  # words of 3+ characters starting with a letter
# A LaTeX command (\mathbb, \frac, \emph): markup, not a word of the paper. Left in, it
# named topics of a mathematics collection ("Mathrm and functions", "Mathbb and fields").
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_KEYWORDS = 12  # per topic
_EXAMPLES = 3  # titles shown per topic
# How a name's words are written is read from the cluster's most typical papers, at most
# this many: enough to see how a field writes a word, and a name costs the same at 100k.
_CASE_SAMPLE = 500
# Not where a sentence starts, where every word has a capital (searched from a text's second
# character, so not at its start either).
_MID_SENTENCE = r"(?<![.!?:]\s)"
# The draft's scoring: a paper joins a second draft topic only when it scores nearly as well
# there (secondary_ratio) or very strongly (strong_score). Clusters partition the papers, and
# their keyword lists overlap, so the default rule (0.4 of the best, or 12) gave many papers a
# second topic that was a passing mention. On the labelled collections of bench/quality.py
# this rule recovered the themes better in 11 of 13 `suggest` rows, held-out sets included
# (mean F1 +0.03; arxiv-cs 0.319 to 0.366; physics unchanged, arxiv-ml3 by category -0.01);
# related papers do not change (they compare scores, not topic lists).
DRAFT_SECONDARY_RATIO = 0.8
DRAFT_STRONG_SCORE = 24
# A topic's name shows a keyword as the phrase holding it ("time series" for "series") when
# the cluster uses the word in that phrase at least this often.
PHRASE_SHARE = 0.8
# Two words a name would join with "and" are shown as one phrase when the cluster writes them
# together this often (of the rarer word's uses): "Dark energy", not "Dark and energy".
PAIR_SHARE = 0.5
# A term names a cluster from its titles when at least this many of them hold it.
TITLE_MIN_PAPERS = 2
# The source's own keywords (BibTeX, OpenReview, Hugging Face): the words authors chose for
# what their paper is about. One can name a cluster when at least AUTHOR_MIN_PAPERS of its
# papers carry it and more than AUTHOR_PRECISION of the papers carrying it are in the
# cluster (it is this cluster's keyword more than any other's); the best AUTHOR_KEYWORDS are
# weighed for the name.
AUTHOR_MIN_PAPERS = 2
AUTHOR_PRECISION = 0.5
AUTHOR_KEYWORDS = 6
# A keyword longer than this is a sentence or junk, not a name ("x" * 300 in a hostile file).
AUTHOR_KEYWORD_CHARS = 60


@dataclass(frozen=True)
class DraftTopic:
    name: str
    keywords: tuple[tuple[str, int], ...]  # phrase, weight 1..4
    members: tuple[int, ...]  # indexes into the papers, the most typical first
    # The name as the middle of a sentence writes it ("Boltzmann and exact", "time series"),
    # for the description; "" reads it from the name.
    in_sentence: str = ""


def default_topic_count(n_papers: int) -> int:
    """About sqrt(n/2) topics: 6 for 80 papers, 22 for 1,000, capped at 40."""
    return max(2, min(40, round(math.sqrt(n_papers / 2))))


def topic_count(n_papers: int, n_topics: int | None = None) -> int:
    """How many topics ``suggest`` makes at most: as asked, or the default, and never more
    than there are papers."""
    return min(n_topics or default_topic_count(n_papers), n_papers)


def suggest(papers: Sequence[Paper], n_topics: int | None = None) -> tuple[DraftTopic, ...]:
    """Cluster ``papers`` into at most ``n_topics`` draft topics, biggest first."""
    if len(papers) < 2:
        raise ValueError("topics suggest needs at least 2 papers to cluster")
    k = topic_count(len(papers), n_topics)
    # The title twice: it is the paper's own summary of what it is about.
    texts = [
        _LATEX_COMMAND.sub(" ", f"{p.title}. {p.title}. {' '.join(p.keywords)}. {p.abstract}")
        for p in papers
    ]
    counter = CountVectorizer(
        stop_words=_STOP,
        token_pattern=_TOKEN,
        ngram_range=(1, 2),
        min_df=2 if len(papers) >= 20 else 1,
        max_df=0.5 if len(papers) >= 20 else 1.0,
        # The most frequent terms are the ones clusters are made of; capping the vocabulary
        # keeps NMF quick on large collections (10k papers: ~175k terms otherwise).
        max_features=30_000,
        lowercase=True,
        dtype=np.float64,  # counted straight into the type NMF needs, not copied after
    )
    too_few = "the papers share too few words to cluster (titles and abstracts of stop words only?)"
    try:
        counts = counter.fit_transform(texts)
    except ValueError:  # scikit-learn: no term left after the stop words and the df limits
        raise ValueError(too_few) from None
    vocab = np.array(counter.get_feature_names_out())
    if counts.shape[1] < 2:
        raise ValueError(too_few)
    # TF-IDF (sublinear tf, smooth idf), then NMF: each paper is a mix of k non-negative
    # "topics" of co-occurring words and joins the one it has most of. On labelled
    # collections (bench/quality.py) this recovered the themes better than k-means on LSA
    # (physics 1.00 vs 1.00, biology 1.00 vs 0.80, 122 arXiv papers 0.40 vs 0.31 mean best
    # F1), and it stays sparse, so 100k papers fit in memory. SVD-based start: deterministic.
    # In place on one copy of the counts: at 100k papers (21M nonzeros) each further copy
    # cost ~250 MB, and the chain of them made most of a 1.7 GB peak.
    df = np.bincount(counts.indices, minlength=counts.shape[1])  # counts hold no zeros
    idf = np.log((1 + len(papers)) / (1 + df)) + 1
    tfidf = counts.copy()
    np.log1p(tfidf.data, out=tfidf.data)
    tfidf.data *= idf[tfidf.indices]
    normalize(tfidf, copy=False)
    with warnings.catch_warnings():
        # Stopping at max_iter before full convergence still gives usable clusters; the
        # warning would only alarm the user.
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Asked for more topics than the papers have distinct texts (copies of one paper),
        # the SVD start takes the square root of a rounding error just below 0: the NaN
        # weights it leaves are read as 0 below.
        warnings.simplefilter("ignore", RuntimeWarning)
        weights = NMF(k, init="nndsvd", max_iter=200, tol=1e-3, random_state=0).fit_transform(tfidf)
    weights = np.nan_to_num(weights)
    # A paper with no weight on any factor (it shares no word with the rest) joins the first.
    labels = weights.argmax(axis=1)

    # Class-based TF-IDF: a cluster's term frequency, weighted by how rare the term is across
    # clusters (BERTopic's c-TF-IDF: log(1 + mean words per cluster / term frequency overall)).
    clusters = sorted(set(labels.tolist()))
    per_class = np.vstack([np.asarray(counts[labels == c].sum(axis=0)).ravel() for c in clusters])
    overall = per_class.sum(axis=0)
    mean_words = per_class.sum() / len(clusters)
    ctfidf = (per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)) * np.log(
        1 + mean_words / np.maximum(overall, 1)
    )
    index = {term: column for column, term in enumerate(vocab.tolist())}
    # Which terms each title holds: a title is its authors' summary, so the words a cluster's
    # titles share are the first ideas for its name.
    titled = counter.transform([_LATEX_COMMAND.sub(" ", p.title) for p in papers]).tocsr()
    titled.data[:] = 1
    title_df = np.asarray(titled.sum(axis=0)).ravel()
    phrases = _phrases(vocab)
    given = _AuthorKeywords(papers)
    drafts = []
    for row, cluster in enumerate(clusters):
        # Most typical first (the most weight on the cluster's factor), so the example titles
        # show what the cluster is about rather than whichever papers come first.
        inside = np.flatnonzero(labels == cluster)
        members = tuple(
            int(i) for i in inside[np.argsort(-weights[inside, cluster], kind="stable")]
        )
        terms = _top_terms(vocab, ctfidf[row], per_class[row])
        if not terms:
            continue
        best = terms[0][1]
        authors = given.of_cluster(inside)
        ideas = _two_ideas([key for key, _ in authors]) if authors else []
        named = tuple((given.written[k].lower(), w) for k, w in authors if k in ideas)
        said = {phrase for phrase, _ in named}
        keywords = named + tuple(
            (t, max(1, min(4, round(4 * s / best)))) for t, s in terms if t not in said
        )
        if authors:  # the authors' own words for it, as they most often write them
            shown = [
                _keyword_as_written(given.written[k], [papers[i] for i in members]) for k in ideas
            ]
            name = " and ".join(shown)
        else:
            candidates = _title_terms(titled, title_df, inside, vocab) + [t for t, _ in terms]
            sample = [f"{papers[i].title}. {papers[i].abstract}" for i in members[:_CASE_SAMPLE]]
            words = _name_words(
                candidates,
                per_class[row],
                vocab,
                index,
                phrases,
                sample,
            )
            name = " and ".join(_as_written(w, [papers[i] for i in members]) for w in words)
        drafts.append(
            DraftTopic(
                name=name[:1].upper() + name[1:],
                keywords=keywords,
                members=members,
                in_sentence=name,
            )
        )
    if not drafts:
        raise ValueError(too_few)
    drafts.sort(key=lambda d: (-len(d.members), d.keywords[0][0]))
    return _unique(drafts)


class _AuthorKeywords:
    """The source keywords of the papers, each read as one phrase (case, hyphens, spacing and
    a plural last word ignored: "Generative Adversarial Networks" and "generative adversarial
    network" are one; so is "GAN", an abbreviation of it), kept when a taxonomy could use it
    as a keyword phrase."""

    def __init__(self, papers: Sequence[Paper]) -> None:
        forms: dict[str, Counter[str]] = {}
        raw: list[set[str]] = []
        for paper in papers:
            own: set[str] = set()
            for keyword in paper.keywords:
                shown = re.sub(r"\s*[(\[][^)\]]*[)\]]", "", keyword)  # "(MDP)" says it again
                shown = re.sub(r"\s+", " ", shown).strip()
                if len(shown) > AUTHOR_KEYWORD_CHARS or phrase_problem(shown.lower()) is not None:
                    continue  # "C++", "$\\alpha$-divergence": no phrase a taxonomy can hold
                key = keyword_key(shown)
                forms.setdefault(key, Counter())[shown] += 1
                own.add(key)
            raw.append(own)
        long_forms = abbreviations(raw)
        self.by_paper = [{long_forms.get(key, key) for key in own} for own in raw]
        # The form most papers write; among equals, lower case, then alphabetically.
        self.written = {
            key: min(c, key=lambda f: (-c[f], f != f.lower(), f))
            for key, c in forms.items()
            if key not in long_forms
        }
        self.papers = Counter(key for own in self.by_paper for key in own)

    def of_cluster(self, inside: np.ndarray) -> tuple[tuple[str, int], ...]:
        """The cluster's own keywords (see AUTHOR_PRECISION), best first, each weighted 2-4 by
        how well it marks the cluster (papers in it with the keyword, squared, over papers in
        it times papers with it: 1 when exactly its papers carry it)."""
        here = Counter(key for i in inside.tolist() for key in self.by_paper[i])
        scored = []
        for key, n in here.items():
            overall = self.papers[key]
            # More than half its papers here: one used all over the collection ("deep
            # learning" at a deep-learning venue) names no cluster.
            if n >= AUTHOR_MIN_PAPERS and n > AUTHOR_PRECISION * overall:
                scored.append((n * n / (overall * len(inside)), key))
        scored.sort(key=lambda sk: (-sk[0], sk[1]))
        if not scored:
            return ()
        top = scored[0][0]
        return tuple(
            (key, max(2, min(4, round(4 * score / top)))) for score, key in scored[:AUTHOR_KEYWORDS]
        )


def _keyword_as_written(keyword: str, papers: Sequence[Paper]) -> str:
    """An author keyword in a name, each word in the case the abstracts write it mid-sentence
    ("Bayesian inference", not "Bayesian Inference"); a word with capitals after its first
    letter ("GAN", "ResNet") as the authors wrote it."""
    texts = [p.abstract for p in papers[:_CASE_SAMPLE]]
    return re.sub(
        r"[^\W\d_]+",
        lambda m: (
            m.group(0) if m.group(0)[1:] != m.group(0)[1:].lower() else _case(m.group(0), texts)
        ),
        keyword,
    )


def _case(word: str, texts: Sequence[str]) -> str:
    """``word`` as most of its mid-sentence uses in ``texts`` write it; lower case when none
    do, or on a tie."""
    pattern = re.compile(_MID_SENTENCE + _phrase_pattern(word), re.IGNORECASE)
    forms = Counter(m.group(0) for text in texts for m in pattern.finditer(text, 1))
    lower = word.lower()
    best = max(forms, key=lambda f: (forms[f], f == lower), default=lower)
    return best if forms[best] > forms[lower] else lower


def keyword_key(keyword: str) -> str:
    """An author's keyword as one phrase: case, hyphens and spacing ignored, and a plural last
    word read as its singular ("Diffusion Models" and "diffusion model" are one)."""
    words = re.sub(r"[\s_\-]+", " ", keyword.casefold()).split()
    last = words[-1] if words else ""
    if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "is", "us")):
        words[-1] = last[:-1]
    return " ".join(words)


def abbreviations(keys_per_paper: Sequence[set[str]]) -> dict[str, str]:
    """Each keyword (by keyword_key) that abbreviates another the papers use, and the phrase it
    stands for: "gan" -> "generative adversarial network" (its initials). An abbreviation of
    several phrases stands for the most used one."""
    uses = Counter(key for keys in keys_per_paper for key in keys)
    long_forms: dict[str, str] = {}
    for key in sorted(uses, key=lambda k: (-uses[k], k)):
        short = _initials(key)
        if short in uses and short not in long_forms:
            long_forms[short] = key
    return long_forms


def _two_ideas(keys: Sequence[str]) -> list[str]:
    """The best author keyword and the next one that is not a part or another spelling of it
    ("deep reinforcement learning" beside "reinforcement learning"; abbreviations are already
    read as their phrases)."""
    first = keys[0]
    for key in keys[1:]:
        a, b = first.split(), key.split()
        if not (_covers(a, b) or _covers(b, a)):
            return [first, key]
    return [first]


def _initials(key: str) -> str:
    words = key.split()
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _title_terms(
    titled: sparse.csr_matrix, title_df: np.ndarray, inside: np.ndarray, vocab: np.ndarray
) -> list[str]:
    """The two terms that best mark the cluster's titles: in at least TITLE_MIN_PAPERS of
    them, ranked by titles in the cluster with the term, squared, over titles in the cluster
    times titles with the term (1 when exactly the cluster's titles hold it)."""
    here = np.asarray(titled[inside].sum(axis=0)).ravel()
    score = here * here / np.maximum(title_df, 1) / len(inside)
    score[here < TITLE_MIN_PAPERS] = 0
    chosen: list[str] = []
    for i in sorted(np.flatnonzero(score), key=lambda i: (-score[i], vocab[i])):
        if str(vocab[i]) not in _FRAGMENTS:
            chosen.append(str(vocab[i]))
            if len(chosen) == 2:
                break
    return chosen


def _prefix_only(word: str, texts: Sequence[str]) -> bool:
    """Whether the texts write ``word`` nearly always (PHRASE_SHARE) as the first part of a
    hyphenated word: titles on "Near-field imaging" and "Near-infrared lasers" do not share
    the idea "near"."""
    pattern = re.compile(rf"(?<![\w\-]){re.escape(word)}(?:(-)|(?!\w))", re.IGNORECASE)
    uses = [m.group(1) for text in texts for m in pattern.finditer(text)]
    return bool(uses) and uses.count("-") >= PHRASE_SHARE * len(uses)


def _longer_phrase(phrase: str, texts: Sequence[str]) -> str:
    """``phrase`` and the word the texts nearly always (PHRASE_SHARE) write after it, as they
    most often write it: the counting stops at two words, so "recurrent neural" is said as
    "recurrent neural networks". Else the phrase itself."""
    pattern = re.compile(_phrase_pattern(phrase) + r"(?:\s+([^\W\d_][\w\-]*))?", re.IGNORECASE)
    after = [m.group(1) for text in texts for m in pattern.finditer(text)]
    nexts = Counter(w.lower().removesuffix("s") for w in after if w)
    if not nexts:
        return phrase
    stem, uses = min(nexts.items(), key=lambda kv: (-kv[1], kv[0]))
    forms = Counter(w.lower() for w in after if w and w.lower().removesuffix("s") == stem)
    form = min(forms.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    if uses < PHRASE_SHARE * len(after) or {form, stem} & (_STOP_SET | _FRAGMENTS):
        return phrase
    return f"{phrase} {form}"


def _says_most(longer: str, shorter: str, texts: Sequence[str]) -> bool:
    """Whether the texts write ``shorter`` as part of ``longer`` in at least PHRASE_SHARE of
    its uses."""

    def uses(phrase: str) -> int:
        pattern = re.compile(_phrase_pattern(phrase), re.IGNORECASE)
        return sum(len(pattern.findall(text)) for text in texts)

    return uses(longer) >= PHRASE_SHARE * uses(shorter)


def _written(phrase: str, texts: Sequence[str]) -> bool:
    """Whether some text writes the words of ``phrase`` together, as _as_written finds them."""
    pattern = re.compile(_phrase_pattern(phrase), re.IGNORECASE)
    return any(pattern.search(text) for text in texts)


def _phrase_pattern(term: str) -> str:
    """A regular expression for ``term``'s words written together: spaces or hyphens between
    them, maybe an "of" or "the" (which the counting drops: "mixture of experts")."""
    gap = r"[\s\-]+(?:(?:of|the)[\s\-]+)?"
    body = gap.join(re.escape(w) for w in term.split())
    return rf"(?<![\w\-]){body}(?![\w\-])"


def _phrases(vocab: np.ndarray) -> dict[str, list[int]]:
    """Each word -> the columns of the two-word phrases holding it."""
    found: dict[str, list[int]] = {}
    for column, term in enumerate(vocab.tolist()):
        words = term.split()
        if len(words) == 2 and words[0] != words[1]:  # "end end" is what "end-to-end" leaves
            for word in words:
                found.setdefault(word, []).append(column)
    return found


def _name_words(
    terms: Sequence[str],
    freq: np.ndarray,
    vocab: np.ndarray,
    index: dict[str, int],
    phrases: dict[str, list[int]],
    texts: Sequence[str],
) -> list[str]:
    """The topic's two best ideas for its name: its best terms, each word shown as the phrase
    the cluster nearly always uses it in ("series" as "time series", "fine" as "fine tuning")
    and each two-word phrase with the word nearly always after it, skipping a term the first
    already says and a word written only as the first part of hyphenated ones. ``texts`` are
    the cluster's most typical titles and abstracts, each title ended by a full stop so that
    no phrase runs from a title into its abstract."""
    chosen: list[str] = []
    for term in terms:
        shown = term
        if " " not in term:
            shown = _usual_phrase(term, freq, vocab, index, phrases)
        words = shown.split()
        if len(words) == 1 and _prefix_only(shown, texts):
            continue
        if len(words) > 1 and not _written(shown, texts):
            continue  # counted across two pieces ("... catalysts. Bayesian ..."), never written
        if len(words) == 2:
            shown = _longer_phrase(shown, texts)
            words = shown.split()
        if any(shown in (c + "s", c + "es") or c in (shown + "s", shown + "es") for c in chosen):
            continue  # "LLM" then "LLMs": one word, too short to share four letters
        held = [n for n, c in enumerate(chosen) if _covers(c.split(), words)]
        if held and (" " not in chosen[held[0]] or _says_most(shown, chosen[held[0]], texts)):
            # "species" then "diversity" as "species diversity": one idea, said better; a
            # phrase only when that is how it is written ("recurrent neural networks" for
            # "neural networks", but "dark energy" stays, not "interacting dark energy")
            chosen[held[0]] = shown
            continue
        if any(_covers(words, c.split()) for c in chosen):
            continue
        if any(_covers([w], c.split()) for w in words for c in chosen):
            continue  # "coral reef" then "reef bleaching": the name needs a second idea
        pair = _pair(chosen[-1], shown, freq, index) if chosen else None
        # "dark" then "energy" as "dark energy", not "Dark and energy"
        if pair and _written(pair, texts):
            chosen[-1] = pair
            continue
        chosen.append(shown)
        if len(chosen) == 2:
            break
    return chosen


def _pair(first: str, second: str, freq: np.ndarray, index: dict[str, int]) -> str | None:
    """The two-word phrase two single-word ideas make, when the cluster writes them together
    in at least PAIR_SHARE of the uses of the rarer one; else None."""
    if " " in first or " " in second:
        return None
    rarer = min(freq[index[first]], freq[index[second]])
    uses = {}
    for a, b in ((first, second), (second, first)):
        # Singular and plural together, as _usual_phrase counts them: "neural network(s)".
        stem = b.removesuffix("s")
        uses[f"{a} {b}"] = sum(
            freq[index[p]] for p in {f"{a} {stem}", f"{a} {stem}s"} if p in index
        )
    # The order the papers write (bigrams also span punctuation: "dark energy, dark matter"
    # holds "energy dark"); the first pair on a tie.
    phrase = max(uses, key=lambda p: uses[p])
    return phrase if uses[phrase] > 0 and uses[phrase] >= PAIR_SHARE * rarer else None


def _top_terms(vocab: np.ndarray, scores: np.ndarray, freq: np.ndarray) -> list[tuple[str, float]]:
    chosen: list[tuple[str, float]] = []
    # Stable order: by score, then alphabetically, so ties cannot flip between runs.
    for i in sorted(np.flatnonzero(scores > 0), key=lambda i: (-scores[i], vocab[i])):
        term = str(vocab[i])
        if term in _FRAGMENTS:
            continue
        if freq[i] < 2 and len(chosen) >= 2:
            continue  # a word used once says little about a whole cluster
        words = term.split()
        # Skip a term that only repeats words of a better one ("neural" after "neural network",
        # "graphs" after "graph": keywords match plurals anyway, and a name needs two ideas).
        if any(
            _covers(words, other.split()) or _covers(other.split(), words) for other, _ in chosen
        ):
            continue
        chosen.append((term, float(scores[i])))
        if len(chosen) == _KEYWORDS:
            break
    return chosen


def _same_word(a: str, b: str) -> bool:
    """Two spellings of one idea, roughly: graph and graphs, science and scientific,
    computation and computing (they share all but the last three letters of the shorter)."""
    short = min(len(a), len(b))
    shared = next((i for i in range(short) if a[i] != b[i]), short)
    return shared >= max(4, short - 3) or a == b


def _covers(words: list[str], others: list[str]) -> bool:
    """Every word of ``words`` is, roughly, a word of ``others``."""
    return all(any(_same_word(w, o) for o in others) for w in words)


def _usual_phrase(
    word: str,
    freq: np.ndarray,
    vocab: np.ndarray,
    index: dict[str, int],
    phrases: dict[str, list[int]],
) -> str:
    """The two-word phrase the cluster uses ``word`` in at least PHRASE_SHARE of the time
    (singular and plural counted together: "neural network" and "neural networks"), or the
    word itself."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for column in phrases.get(word, ()):
        key = tuple(w.removesuffix("s") for w in str(vocab[column]).split())
        groups.setdefault(key, []).append(column)
    own = freq[index[word]]
    best = max(groups.values(), key=lambda cs: (sum(freq[c] for c in cs), -min(cs)), default=[])
    if not best or sum(freq[c] for c in best) < PHRASE_SHARE * own:
        return word
    return str(vocab[max(best, key=lambda c: (freq[c], -c))])


def _as_written(term: str, papers: Sequence[Paper]) -> str:
    """The term as the abstracts most often write it in mid sentence ("LLM", "fine-tuning",
    "Bayesian", "mixture of experts": the counting drops "of" and "the"); else as the titles
    and abstracts write it; as counted (lower case, one space) when they never write it so."""
    anywhere = re.compile(_phrase_pattern(term), re.IGNORECASE)
    mid = re.compile(_MID_SENTENCE + _phrase_pattern(term), re.IGNORECASE)
    # Abstracts first, leaving out a match at an abstract's start (not mid sentence); then,
    # for a term only titles hold, titles and abstracts.
    searches = (
        (mid, lambda p: p.abstract, 1),
        (anywhere, lambda p: f"{p.title} {p.abstract}", 0),
    )
    # The most typical papers first; the rest only for a term none of them writes.
    for pattern, text_of, start in searches:
        for some in (papers[:_CASE_SAMPLE], papers[_CASE_SAMPLE:]):
            forms: Counter[str] = Counter()
            for paper in some:
                # One space between words, whatever the text had (a line break, a tab).
                forms.update(
                    re.sub(r"\s+", " ", m.group(0)) for m in pattern.finditer(text_of(paper), start)
                )
            if forms:
                break
        if forms:
            # The most common form; among equals, the one in lower case (a title's capitals
            # are not the word's), then any, alphabetically.
            return min(forms, key=lambda f: (-forms[f], f != f.lower(), f))
    return term


def _unique(drafts: list[DraftTopic]) -> tuple[DraftTopic, ...]:
    """Names made unique, as topic names must be: a repeated one gets (2), (3)..."""
    seen: set[str] = set()
    result = []
    for draft in drafts:
        name, n = draft.name, 2
        while name.casefold() in seen:
            name, n = f"{draft.name} ({n})", n + 1
        seen.add(name.casefold())
        in_sentence = draft.in_sentence + name[len(draft.name) :] if draft.in_sentence else ""
        result.append(DraftTopic(name, draft.keywords, draft.members, in_sentence))
    return tuple(result)


def _comment(text: str) -> str:
    # A title goes into a YAML comment: one line, no control characters.
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()


def draft_yaml(papers: Sequence[Paper], drafts: Sequence[DraftTopic]) -> str:
    """The draft as a taxonomy file `topics_file:` loads unchanged."""
    lines = [
        "# Draft taxonomy written by `site-builder topics suggest` from "
        f"{len(papers)} papers ({len(drafts)} topics).",
        "# Edit it: rename topics, merge or split them, add and reweight keywords (4 = says the",
        "# topic on its own, 1 = a hint). Then point site.yaml at it: `topics_file: topics.yaml`.",
        "# The format is described in docs/topics.md.",
        "",
        "fallback: Other",
        "",
        "# A paper gets a second topic only when it scores nearly as well there: these topics are",
        "# clusters, each paper in one, so a second topic is usually a passing mention.",
        "scoring:",
        f"  secondary_ratio: {DRAFT_SECONDARY_RATIO}",
        f"  strong_score: {DRAFT_STRONG_SCORE}",
        "",
        "topics:",
    ]
    for draft in drafts:
        count = len(draft.members)
        lines.append(f"  # {count} paper{'' if count == 1 else 's'}, e.g.:")
        lines += [f"  #   {_comment(papers[i].title)}" for i in draft.members[:_EXAMPLES]]
        lines.append(f"  - name: {json.dumps(draft.name, ensure_ascii=False)}")
        about = draft.in_sentence
        if not about:
            about = draft.name
            if not any(c.isupper() for c in about.split()[0][1:]):  # "LLM agents" stays
                about = about[:1].lower() + about[1:]
        description = json.dumps(f"Papers about {about}.", ensure_ascii=False)
        lines.append(f"    description: {description}")
        lines.append("    keywords:")
        lines += [f"      {term}: {weight}" for term, weight in draft.keywords]
        lines.append("")
    return "\n".join(lines)
