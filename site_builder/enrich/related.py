"""Related papers: the most similar papers by TF-IDF over title and abstract (cosine), with
shared topics (the papers' topic profiles) counted too.

Pure and deterministic: the same papers give the same neighbours, ties broken by slug. Built
for large collections: the term matrix stays sparse, and similarities are computed a block of
rows at a time within a fixed budget of scores, keeping only each row's best; no N x N matrix
ever exists. See docs/related.md.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from array import array
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..model import Paper
from .topics import taxonomy_fit

# The title says what a paper is about in few words; repeating it weights it against the
# abstract's many general words ("propose", "results") without a second vectorizer.
TITLE_WEIGHT = 3

# Words every ML abstract uses: they make all papers look alike, so they carry no signal.
DOMAIN_STOP_WORDS = frozenset(
    """
    abstract achieve achieved achieves al approach approaches art available based benchmark
    benchmarks code com demonstrate demonstrated demonstrates despite et existing experiment
    experimental experiments extensive furthermore github http https improve improved improves
    improving including introduce introduces io key method methods model models moreover novel
    org outperform outperforms paper papers performance present presents problem problems
    propose proposed proposes provide provides publicly recent recently release released result
    results show shown shows significantly study studies task tasks use used uses using various
    work works www
    """.split()  # noqa: SIM905  (a word list reads best as text)
)

# Tokens of two or more letters/digits holding at least one letter: keeps "3d" and "gpt4",
# drops bare numbers such as years and scores.
TOKEN_PATTERN = r"(?u)\b(?=\w*[^\W\d_])[^\W_]{2,}\b"
_URL = re.compile(r"https?://\S+|www\.\S+")

# Shared topics add this much to the text cosine: cos(text) + TOPIC_WEIGHT * the product of
# the two papers' topic vectors (topic_matrix). Topics see words the text vectors weigh
# poorly (a taxonomy keyword in the title, an author's own topic). Measured in
# bench/quality.py (docs/related.md): with topic profiles, 0.5 lifts label agreement on the
# keyword-labelled sets by 4 to 9 points over 0.1 with topic sets (where 0.1 was best).
TOPIC_WEIGHT = 0.5
# ... times taxonomy_fit ** FIT_POWER: topics count as much as the taxonomy fits the collection
# (0.94-1.0 of the papers on the machine-learning sets, 0.3-0.5 on arxiv-cs, astro, math and
# physics, 0.76 on quantitative biology). 4 was chosen on arxiv-cs (2: 28.7%, 4: 31.4%, text
# alone 31%); it left biology, fitted by accident, 4 points below its text alone, and 8
# closes that (45.7% to 50.2%; astro +0.7, the machine-learning sets -0.7 to +2.0, the
# held-out physics day and arxiv-cs unchanged, ICLR 2018 +1.0; docs/related.md).
FIT_POWER = 8

# Collections up to this size are compared on every term: exact, and still fast. Above it,
# candidates come from each paper's strongest terms only and are then re-scored exactly.
EXACT_LIMIT = 20_000
HASHED_COLUMNS = 2**22  # columns of the hashed term matrix above EXACT_LIMIT
TERMS_PER_PAPER = 30  # strongest terms kept per paper when looking for candidates
MIN_CANDIDATES = 20  # candidates re-scored exactly per paper (at least 4x the count)
# Multiply-adds (= an upper bound on stored scores) per block of rows: about 40 MB of
# scores at once, whatever the collection size. At 100,000 papers 8M cost 80 MB more at
# the peak than 3M, and saved no time (the per-row work dominates).
BLOCK_BUDGET = 3_000_000
ROWS_PER_CHUNK = 8_192  # papers hashed, or rows cut to their strongest terms, at a time


def stop_words() -> list[str]:
    """scikit-learn's English stop words and the ML words above."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)


def paper_text(paper: Paper) -> str:
    """What similarity is computed on: the title (weighted) and the abstract, without URLs."""
    return " ".join([paper.title] * TITLE_WEIGHT + [_URL.sub(" ", paper.abstract)])


def term_matrix(papers: Sequence[Paper]) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows (float32), one per paper in the given order."""
    if len(papers) > EXACT_LIMIT:
        return _hashed_term_matrix(papers)
    return vectorize(papers)[0]


@dataclass(frozen=True)
class TermCounts:
    """Each paper's term counts (words and two-word phrases), kept so that the next build
    counts only the papers whose text changed: counting every abstract again took most of a
    one-paper edit's related-papers time (3 s of 4 at 10,000 papers).

    Columns are terms named by a 64-bit hash, in hash order, so the matrix does not depend on
    the order papers were counted in, and no vocabulary of strings is held: two of the ~10^6
    terms of a large collection share a hash with odds of about 10^-7, which would only
    merge their counts."""

    keys: tuple[bytes, ...]  # per row: a digest of the paper's text (paper_text)
    ids: np.ndarray  # uint64, sorted: the hash of each column's term
    counts: sp.csr_matrix  # int32, rows x len(ids)
    stop: tuple[str, ...]  # the stop words the counts were made with
    analyzer: str  # what else they depend on (analyzer_key); other counts are not reused


def analyzer_key() -> str:
    """What term counts depend on besides the text. Read without importing scikit-learn
    (its stop-word list is versioned with it), which takes over a second."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        sklearn = version("scikit-learn")
    except PackageNotFoundError:  # pragma: no cover - a dependency
        sklearn = "?"
    words = hashlib.blake2b(" ".join(sorted(DOMAIN_STOP_WORDS)).encode(), digest_size=8)
    return f"1|{sklearn}|{TOKEN_PATTERN}|{words.hexdigest()}"


def term_ids(terms: Sequence[str]) -> np.ndarray:
    """The stable 64-bit hash of each term (uint64), as TermCounts names columns."""
    blake = hashlib.blake2b
    digests = b"".join(blake(t.encode("utf-8"), digest_size=8).digest() for t in terms)
    return np.frombuffer(digests, dtype="<u8").astype(np.uint64)


def _text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def count_terms(papers: Sequence[Paper], previous: TermCounts | None = None) -> TermCounts:
    """Term counts of the papers, in the given order; rows of ``previous`` whose text is the
    same are reused, not counted again. The result is the same whatever ``previous`` is."""
    keys = tuple(_text_key(paper_text(p)) for p in papers)
    analyzer = analyzer_key()
    if previous is not None and previous.analyzer != analyzer:
        previous = None
    known = {} if previous is None else {k: i for i, k in enumerate(previous.keys)}
    todo = [i for i, k in enumerate(keys) if k not in known]
    # The last run's stop words spare importing scikit-learn (its list) for an edit.
    stop = previous.stop if previous is not None and previous.stop else ()
    if todo and not stop:
        stop = tuple(stop_words())
    # Words as scikit-learn's TfidfVectorizer splits them (lower case, TOKEN_PATTERN, stop
    # words out), then each word and each two-word phrase counted, a paper at a time into
    # flat arrays (4 bytes an entry), columns numbered in first-seen order for now.
    token, unwanted = re.compile(TOKEN_PATTERN), frozenset(stop)
    vocabulary: dict[str, int] = {}
    columns, data, lengths = array("i"), array("i"), array("i")
    for i in todo:
        words = [w for w in token.findall(paper_text(papers[i]).lower()) if w not in unwanted]
        counted = Counter(words)
        counted.update(f"{a} {b}" for a, b in itertools.pairwise(words))
        columns.extend(vocabulary.setdefault(t, len(vocabulary)) for t in counted)
        data.extend(counted.values())
        lengths.append(len(counted))
    new_ids = term_ids(list(vocabulary))  # in first-seen order, as the columns so far
    del vocabulary
    old_ids = previous.ids if previous is not None else np.zeros(0, dtype=np.uint64)
    ids = np.union1d(old_ids, new_ids).astype(np.uint64)
    parts, order = [], []
    if previous is not None:
        reused = [i for i, k in enumerate(keys) if k in known]
        rows = previous.counts[[known[keys[i]] for i in reused]]
        cols = np.searchsorted(ids, old_ids[rows.indices]).astype(np.int32)
        parts.append(_csr(rows.data, cols, rows.indptr, len(ids)))
        order += reused
    if todo:
        cols = np.searchsorted(ids, new_ids).astype(np.int32)[np.frombuffer(columns, np.int32)]
        del columns
        indptr = np.zeros(len(todo) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(lengths, dtype=np.int32), out=indptr[1:])
        parts.append(_csr(np.frombuffer(data, dtype=np.int32), cols, indptr, len(ids)))
        order += todo
    if not parts:
        counts = _csr(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(1, np.int64), 0)
    elif len(parts) == 1:  # nothing reused, or nothing new: already in paper order
        counts = parts[0]
    else:
        counts = sp.vstack(parts, format="csr")[np.argsort(np.array(order), kind="stable")]
    counts.sum_duplicates()  # sorts each row's columns too; a shared hash adds up
    # Terms no paper holds any more (an edit took them out) are dropped.
    used = np.bincount(counts.indices, minlength=len(ids)) > 0
    if not used.all():
        renumber = (np.cumsum(used) - 1).astype(np.int32)
        counts = _csr(counts.data, renumber[counts.indices], counts.indptr, int(used.sum()))
        ids = ids[used]
    return TermCounts(keys, ids, counts, stop, analyzer)


def _csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, width: int) -> sp.csr_matrix:
    return sp.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, width), copy=False)


def vectorize(
    papers: Sequence[Paper], previous: TermCounts | None = None
) -> tuple[sp.csr_matrix, np.ndarray, TermCounts]:
    """term_matrix up to EXACT_LIMIT papers, the term id of each of its columns
    (related_incremental compares two builds' rows term by term), and the counts it was made
    from, for the next call.

    The weights are scikit-learn's TfidfVectorizer's: raw counts, smooth IDF
    (ln((1 + n) / (1 + df)) + 1), L2 rows, in float32."""
    counts = count_terms(papers, previous)
    n_docs = len(papers)
    matrix = counts.counts
    df = np.bincount(matrix.indices, minlength=len(counts.ids))
    # A term in one paper only never links two papers; large collections drop those to keep
    # the matrix small. Small ones keep them so the vector norms stay honest. A term in most
    # papers says nothing about any pair of them.
    min_df = 2 if n_docs >= 1_000 else 1
    max_df = 0.5 * n_docs if n_docs >= 20 else n_docs
    kept = (df >= min_df) & (df <= max_df)
    if not kept.any():
        raise ValueError("no term is shared by the papers")
    idf = (np.log((1 + n_docs) / (1 + df)) + 1).astype(np.float32)
    keep_entry = kept[matrix.indices]
    before = np.zeros(len(keep_entry) + 1, dtype=np.int64)
    np.cumsum(keep_entry, out=before[1:])
    indptr = before[matrix.indptr]
    del before
    terms = matrix.indices[keep_entry]
    data = matrix.data[keep_entry].astype(np.float32)
    del keep_entry
    data *= idf[terms]
    column = (np.cumsum(kept) - 1).astype(np.int32)
    tfidf = _csr(data, column[terms], indptr, int(kept.sum()))
    del terms
    squares = tfidf.multiply(tfidf).sum(axis=1).A1
    norms = np.sqrt(squares, dtype=np.float32)
    norms[norms == 0] = 1
    tfidf.data /= np.repeat(norms, np.diff(tfidf.indptr))
    return tfidf, counts.ids[kept], counts


def _hashed_term_matrix(papers: Sequence[Paper]) -> sp.csr_matrix:
    """term_matrix for large collections: the same weights (words, raw counts, smooth IDF,
    terms in one paper or in over half of them dropped, L2 rows), with terms hashed to
    columns instead of looked up in a vocabulary. A vocabulary of every word of 100,000
    abstracts (and the list of the ones dropped) cost ~130 MB at the peak; hashing needs none.
    Two words sharing a column (2^22 of them) change a similarity only in the last digits.

    Papers are hashed ROWS_PER_CHUNK at a time and each chunk is weighted in place: hashing
    them all at once held several copies of the counts (~390 MB at 100,000 papers for a
    68 MB result)."""
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.preprocessing import normalize

    n_docs = len(papers)
    hasher = HashingVectorizer(
        stop_words=stop_words(),
        token_pattern=TOKEN_PATTERN,
        n_features=HASHED_COLUMNS,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )
    parts = []
    df = np.zeros(HASHED_COLUMNS, dtype=np.int32)
    for start in range(0, n_docs, ROWS_PER_CHUNK):
        chunk = papers[start : start + ROWS_PER_CHUNK]
        part = hasher.transform([paper_text(p) for p in chunk]).tocsr()
        part.sum_duplicates()  # one entry per (row, term), so counting entries counts papers
        df += np.bincount(part.indices, minlength=HASHED_COLUMNS)  # cast in place
        parts.append(part)
    kept = (df >= 2) & (df <= 0.5 * n_docs)
    if not kept.any():
        raise ValueError("no term is shared by two papers")
    idf = (np.log((1 + n_docs) / (1 + df)) + 1).astype(np.float32)
    del df
    for part in parts:
        part.data[~kept[part.indices]] = 0
        part.eliminate_zeros()
        part.data *= idf[part.indices]
        normalize(part, copy=False)  # L2 rows, in place
    counts = sp.vstack(parts, format="csr", dtype=np.float32)
    if counts.nnz == 0:
        raise ValueError("no term is shared by two papers")
    return counts


def strongest_terms(matrix: sp.csr_matrix, keep: int) -> sp.csr_matrix:
    """Each row cut to its `keep` highest weights (ties: lower column first)."""
    lengths = np.diff(matrix.indptr)
    indptr = np.concatenate(([0], np.cumsum(np.minimum(lengths, keep))))
    data = np.empty(indptr[-1], dtype=matrix.dtype)
    indices = np.empty(indptr[-1], dtype=matrix.indices.dtype)
    # A block of rows at a time: sorting every entry at once held five arrays as long as
    # the whole matrix (~300 MB at 100,000 papers).
    for lo in range(0, matrix.shape[0], ROWS_PER_CHUNK):
        hi = min(lo + ROWS_PER_CHUNK, matrix.shape[0])
        a, b = matrix.indptr[lo], matrix.indptr[hi]
        block_data, block_cols = matrix.data[a:b], matrix.indices[a:b]
        rows = np.repeat(np.arange(hi - lo), lengths[lo:hi])
        order = np.lexsort((block_cols, -block_data, rows))  # by row, weight, then column
        rank = np.arange(b - a) - (matrix.indptr[lo:hi] - a)[rows[order]]
        chosen = np.sort(order[rank < keep])
        data[indptr[lo] : indptr[hi]] = block_data[chosen]
        indices[indptr[lo] : indptr[hi]] = block_cols[chosen]
    return sp.csr_matrix((data, indices, indptr), shape=matrix.shape, dtype=matrix.dtype)


def _blocks(queries: sp.csr_matrix, index_t: sp.csr_matrix) -> Iterator[tuple[int, int]]:
    """Row ranges whose products stay within BLOCK_BUDGET multiply-adds."""
    n_rows = queries.shape[0]
    postings = np.diff(index_t.indptr).astype(np.int64)  # papers holding each term
    cumulative = np.concatenate(([0], np.cumsum(postings[queries.indices])))
    work = np.minimum(cumulative[queries.indptr[1:]] - cumulative[queries.indptr[:-1]], n_rows)
    start, total = 0, 0
    for row, cost in enumerate(work.tolist()):
        if total and total + cost > BLOCK_BUDGET:
            yield start, row
            start, total = row, 0
        total += cost
    yield start, n_rows


def _best(cols: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    """The k columns with the highest positive scores: highest first, ties by column."""
    positive = scores > 0
    cols, scores = cols[positive], scores[positive]
    if len(scores) > k:
        threshold = np.partition(scores, len(scores) - k)[len(scores) - k]
        top = scores >= threshold  # ties at the threshold all stay, sorted out below
        cols, scores = cols[top], scores[top]
    return cols[np.lexsort((cols, -scores))[:k]]


def _rescore(
    matrix: sp.csr_matrix, start: int, picks: list[np.ndarray], scratch: np.ndarray
) -> list[np.ndarray]:
    """Exact cosine similarity of row start+r with each row in picks[r].

    The query row is spread into `scratch` (a zeroed vector as long as the vocabulary), so each
    candidate term is one lookup; scratch is zeroed again before returning.
    """
    cands = matrix[np.concatenate(picks)]
    bounds = np.concatenate(([0], np.cumsum([len(p) for p in picks])))
    scores = []
    for r, pick in enumerate(picks):
        lo, hi = matrix.indptr[start + r], matrix.indptr[start + r + 1]
        terms = matrix.indices[lo:hi]
        scratch[terms] = matrix.data[lo:hi]
        seg = cands.indptr[bounds[r] : bounds[r + 1] + 1]
        a, b = seg[0], seg[-1]
        products = cands.data[a:b] * scratch[cands.indices[a:b]]
        scratch[terms] = 0
        # Summed in each candidate's term order: identical papers get identical scores. A
        # candidate shares a term with its query, so no segment is empty (reduceat needs that).
        scores.append(np.add.reduceat(products, seg[:-1] - a) if len(pick) else products[:0])
    return scores


def _add_pair_products(
    extra: sp.csr_matrix, start: int, picks: list[np.ndarray], scores: list[np.ndarray]
) -> list[np.ndarray]:
    """Each score plus the dot product in ``extra`` of its row (start + r) and candidate."""
    lengths = [len(p) for p in picks]
    if not sum(lengths):
        return scores
    rows = np.repeat(np.arange(start, start + len(picks)), lengths)
    products = np.asarray(extra[rows].multiply(extra[np.concatenate(picks)]).sum(axis=1))
    bounds = np.cumsum([0, *lengths])
    flat = products.ravel().astype(np.float32)
    return [s + flat[bounds[r] : bounds[r + 1]] for r, s in enumerate(scores)]


def neighbours(
    matrix: sp.csr_matrix,
    count: int,
    text: sp.csr_matrix | None = None,
    topics: sp.csr_matrix | None = None,
) -> list[np.ndarray]:
    """For each row of the matrix, the `count` other rows with the highest dot product.

    Above EXACT_LIMIT candidates are found in ``text`` (the term columns alone, when the matrix
    also holds topic columns): a topic shared by thousands of papers would make every one of
    them a candidate. They are then scored on the whole matrix, plus their dot product in
    ``topics`` when it is given (above EXACT_LIMIT the topics are kept apart rather than
    stacked onto the term matrix, which would copy it).
    """
    n = matrix.shape[0]
    exact = n <= EXACT_LIMIT
    # Above EXACT_LIMIT, candidates are papers sharing one of their strongest terms with the
    # query's strongest: common words, most of the cost of an exact product, drop out.
    if exact:
        queries = matrix
    else:
        queries = strongest_terms(matrix if text is None else text, TERMS_PER_PAPER)
    index_t = queries.T.tocsr()  # terms x papers: a block of query rows times this gives scores
    wanted = count if exact else max(MIN_CANDIDATES, 4 * count)
    scratch = np.zeros(matrix.shape[1], dtype=matrix.dtype)
    result: list[np.ndarray] = []
    for start, stop in _blocks(queries, index_t):
        scores = (queries[start:stop] @ index_t).tocsr()
        picks = []
        for offset in range(stop - start):
            lo, hi = scores.indptr[offset], scores.indptr[offset + 1]
            cols, vals = scores.indices[lo:hi], scores.data[lo:hi]
            others = cols != start + offset  # never itself
            picks.append(_best(cols[others], vals[others], wanted))
        if exact:
            result.extend(picks)
            continue
        # Candidates were found on the strongest terms only: rank them on all terms.
        rescored = _rescore(matrix, start, picks, scratch)
        if topics is not None:
            rescored = _add_pair_products(topics, start, picks, rescored)
        result.extend(_best(p, s, count) for p, s in zip(picks, rescored, strict=True))
    return result


def topic_matrix(
    papers: Sequence[Paper], ignore: Collection[str] = (), weight: float = TOPIC_WEIGHT
) -> sp.csr_matrix:
    """One row per paper, its topic vector times sqrt(weight * taxonomy_fit ** FIT_POWER),
    so that a product of two rows is that weight times the product of the two vectors. The
    vector is the paper's topic profile (taxonomy.topic_profile: how much it is about each
    of its best-scoring topics, of length at most 1) when the taxonomy chose its topics;
    when its front matter named them, those topics, equally weighted, of length 1. Topics
    in ``ignore`` (the taxonomy's fallback, "no topic fits") are left out."""
    per_paper = topic_vectors(papers, ignore)
    weight *= taxonomy_fit(papers, ignore) ** FIT_POWER
    # Columns in name order, so that two builds' matrices can be compared column by column.
    columns = {name: i for i, name in enumerate(topic_columns(per_paper))}
    rows = [row for row, vector in enumerate(per_paper) for _ in vector]
    cols = [columns[name] for vector in per_paper for name in vector]
    data = [w * weight**0.5 for vector in per_paper for w in vector.values()]
    return sp.csr_matrix(
        (np.array(data, dtype=np.float32), (rows, cols)),
        shape=(len(papers), len(columns)),
        dtype=np.float32,
    )


def topic_vectors(papers: Sequence[Paper], ignore: Collection[str] = ()) -> list[dict[str, float]]:
    """Each paper's topic vector, by casefolded topic name (see topic_matrix)."""
    skip = {name.casefold() for name in ignore}
    vectors: list[dict[str, float]] = []
    for paper in papers:
        if paper.topic_weights:
            vector = {n.casefold(): w for n, w in paper.topic_weights if n.casefold() not in skip}
        else:
            names = sorted({t.casefold() for t in paper.topics} - skip)
            vector = dict.fromkeys(names, 1 / len(names) ** 0.5) if names else {}
        vectors.append(vector)
    return vectors


def topic_columns(per_paper: Sequence[Collection[str]]) -> list[str]:
    """The topic names (casefolded) that are columns of topic_matrix, in column order, from
    each paper's topic vector (topic_vectors)."""
    return sorted({name for names in per_paper for name in names})


def related_papers(
    papers: Sequence[Paper],
    count: int,
    ignore_topics: Collection[str] = (),
    topic_weight: float = TOPIC_WEIGHT,
) -> dict[str, tuple[str, ...]]:
    """Each paper's slug -> up to `count` slugs of the most similar other papers, best first.

    Similarity is the text cosine plus ``topic_weight`` times the product of the papers'
    topic vectors (topic_matrix; ``ignore_topics`` left out). A paper sharing neither a term
    nor a topic with another is never listed as related to it, so a paper can have fewer
    than `count` (or none).
    """
    if count <= 0 or len(papers) < 2:
        return {p.slug: () for p in papers}
    ordered = sorted(papers, key=lambda p: p.slug)  # index order is slug order: ties by slug
    slugs = [p.slug for p in ordered]
    try:
        text = term_matrix(ordered)
    except ValueError:  # no usable word in any paper (e.g. only stop words)
        return {slug: () for slug in slugs}
    topics = topic_matrix(ordered, ignore_topics, topic_weight) if topic_weight > 0 else None
    apart = None
    if topics is None or topics.nnz == 0:
        matrix = text
    elif len(ordered) <= EXACT_LIMIT:
        matrix = sp.hstack([text, topics], format="csr", dtype=np.float32)
    else:  # a second copy of a large term matrix would cost more than it saves
        matrix, apart = text, topics
    found = neighbours(matrix, count, text=text, topics=apart)
    return {slug: tuple(slugs[j] for j in picks) for slug, picks in zip(slugs, found, strict=True)}
