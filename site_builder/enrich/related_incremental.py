"""Related papers again after an edit, recomputing only the rows that can change.

Same result as ``related.related_papers`` on the same papers, to the bit: the scores are made
by the same sparse products (one paper's row times the term-by-paper matrix), which add up
each pair's terms in the same order whatever else is in the product, and the picks by
related's own ``_best``. What the last run left (``Memo``) says which rows it can keep:

- a paper whose TF-IDF row changed (its text, or the weight of one of its terms, moved) is
  scored again against every paper, and so is a paper whose last picks include one of those
  (it may lose it);
- every other paper keeps its last picks with their scores, which are still exact (both rows
  are unchanged), and only its scores against the changed rows are new: its new picks are the
  best of those two lists.

Rows are related.py's: TF-IDF terms, then the topic columns (a changed topic changes the row
too). Only for the exact search (up to related.EXACT_LIMIT papers); the slug set and the count
must be those of the last run, else everything is scored again (a new paper changes every
weight).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..model import Paper
from . import related

PLAIN_FORMAT = 2  # of Memo.to_plain
ROWS_PER_PRODUCT = 512  # rows scored against all papers at once: bounded memory
FULL_FROM = 0.25  # share of changed rows above which scoring everything again is cheaper


@dataclass(frozen=True)
class Memo:
    """What one run computed, for the next. In memory only (``serve`` keeps it)."""

    count: int
    slugs: tuple[str, ...]  # row order (slug order)
    matrix: sp.csr_matrix
    terms: np.ndarray  # uint64: the id of each column's term or topic (related.term_ids)
    picks: tuple[np.ndarray, ...]  # per row: the picked rows, best first
    scores: tuple[np.ndarray, ...]  # per row: their scores
    counts: related.TermCounts  # the term counts the text columns were made from

    def to_plain(self) -> tuple[object, ...]:
        """Only ints, strings and bytes: what the build cache's safe unpickler reads back."""
        m, c = self.matrix, self.counts
        lengths = np.array([len(p) for p in self.picks], dtype=np.int64)
        picks = np.concatenate(self.picks).astype(np.int64) if len(self.picks) else lengths
        scores = np.concatenate(self.scores).astype(m.dtype) if len(self.scores) else lengths
        arrays = (m.data, m.indices, m.indptr, lengths, picks, scores, self.terms,
                  c.ids, c.counts.data, c.counts.indices, c.counts.indptr)  # fmt: skip
        return (PLAIN_FORMAT, self.count, self.slugs, tuple(m.shape),
                tuple(str(a.dtype) for a in arrays), tuple(a.tobytes() for a in arrays),
                tuple(c.counts.shape), b"".join(c.keys), c.stop, c.analyzer)  # fmt: skip

    @staticmethod
    def from_plain(plain: object) -> Memo | None:
        """The Memo back; None for anything that is not one (an old or damaged cache)."""
        try:
            (version, count, slugs, shape, dtypes, raw, counts_shape, keys, stop,
             analyzer) = plain  # type: ignore[misc]  # fmt: skip
            if version != PLAIN_FORMAT:
                return None
            (data, indices, indptr, lengths, picks, scores, terms, ids, c_data, c_indices,
             c_indptr) = (np.frombuffer(b, dtype=np.dtype(d)).copy()
                          for d, b in zip(dtypes, raw, strict=True))  # fmt: skip
            matrix = sp.csr_matrix((data, indices, indptr), shape=tuple(shape))
            counts = related.TermCounts(
                tuple(keys[i : i + 16] for i in range(0, len(keys), 16)),
                ids,
                sp.csr_matrix((c_data, c_indices, c_indptr), shape=tuple(counts_shape)),
                tuple(str(w) for w in stop),
                str(analyzer),
            )
            if len(counts.keys) != counts.counts.shape[0] or len(ids) != counts.counts.shape[1]:
                return None
            bounds = np.concatenate(([0], np.cumsum(lengths)))
            rows = range(len(lengths))
            return Memo(int(count), tuple(slugs), matrix, terms,
                        tuple(picks[bounds[i] : bounds[i + 1]] for i in rows),
                        tuple(scores[bounds[i] : bounds[i + 1]] for i in rows),
                        counts)  # fmt: skip
        except (TypeError, ValueError, IndexError):
            return None


def related_papers(
    papers: Sequence[Paper],
    count: int,
    memo: Memo | None = None,
    ignore_topics: Collection[str] = (),
    topic_weight: float = related.TOPIC_WEIGHT,
) -> tuple[dict[str, tuple[str, ...]], Memo | None]:
    """``related.related_papers(papers, count, ignore_topics, topic_weight)``, and a Memo
    for the next call."""
    if count <= 0 or len(papers) < 2 or len(papers) > related.EXACT_LIMIT:
        return related.related_papers(papers, count, ignore_topics, topic_weight), None
    ordered = sorted(papers, key=lambda p: p.slug)
    slugs = tuple(p.slug for p in ordered)
    try:
        matrix, terms, counts = scored_rows(
            ordered, ignore_topics, topic_weight, memo.counts if memo is not None else None
        )
    except ValueError:  # no usable word in any paper
        return {slug: () for slug in slugs}, None
    if memo is None or memo.count != count or memo.slugs != slugs:
        picks, scores = _score_rows(matrix, np.arange(len(slugs)), count)
    else:
        picks, scores = _update(memo, matrix, changed_rows(memo, matrix, terms), count)
    mapping = {slug: tuple(slugs[j] for j in row) for slug, row in zip(slugs, picks, strict=True)}
    return mapping, Memo(count, slugs, matrix, terms, tuple(picks), tuple(scores), counts)


def scored_rows(
    ordered: Sequence[Paper],
    ignore_topics: Collection[str],
    topic_weight: float,
    previous: related.TermCounts | None = None,
) -> tuple[sp.csr_matrix, np.ndarray, related.TermCounts]:
    """The rows related.related_papers scores (text terms, then topic columns), an id for
    each column (topic columns are named apart from any term) and the term counts, for the
    next call; ``previous`` counts are reused for every paper whose text is the same."""
    text, terms, counts = related.vectorize(ordered, previous)
    if topic_weight <= 0:
        return text, terms, counts
    topics = related.topic_matrix(ordered, ignore_topics, topic_weight)
    if topics.nnz == 0:
        return text, terms, counts
    per_paper = related.topic_vectors(ordered, ignore_topics)
    names = ["\x00topic " + name for name in related.topic_columns(per_paper)]
    matrix = sp.hstack([text, topics], format="csr", dtype=np.float32)
    return matrix, np.concatenate((terms, related.term_ids(names))), counts


def changed_rows(memo: Memo, matrix: sp.csr_matrix, terms: np.ndarray) -> np.ndarray:
    """A boolean per row: does it differ from the last run's row, term by term?"""
    old = memo.matrix
    if len(memo.terms) == len(terms) and bool(np.all(memo.terms == terms)):
        column = np.arange(len(terms))
    else:  # each old column to its term's new one, or -1 (a term that went)
        where = {term: i for i, term in enumerate(terms.tolist())}
        column = np.array([where.get(t, -1) for t in memo.terms.tolist()], dtype=np.int64)
    old_len, new_len = np.diff(old.indptr), np.diff(matrix.indptr)
    changed = old_len != new_len
    same = ~changed
    old_rows = np.repeat(np.arange(len(old_len)), old_len)
    new_rows = np.repeat(np.arange(len(new_len)), new_len)
    keep_old, keep_new = same[old_rows], same[new_rows]
    # Rows of equal length, aligned entry by entry (columns are sorted within each row).
    differs = (column[old.indices[keep_old]] != matrix.indices[keep_new]) | (
        old.data[keep_old] != matrix.data[keep_new]
    )
    changed[old_rows[keep_old][differs]] = True
    return changed


def _score_rows(
    matrix: sp.csr_matrix, rows: np.ndarray, count: int, index_t: sp.csr_matrix | None = None
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Picks and scores of each of ``rows`` against every paper, as related.neighbours makes
    them (exact search)."""
    index_t = matrix.T.tocsr() if index_t is None else index_t
    picks: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    for start in range(0, len(rows), ROWS_PER_PRODUCT):
        block = rows[start : start + ROWS_PER_PRODUCT]
        product = (matrix[block] @ index_t).tocsr()
        for offset, row in enumerate(block.tolist()):
            lo, hi = product.indptr[offset], product.indptr[offset + 1]
            cols, vals = product.indices[lo:hi], product.data[lo:hi]
            others = cols != row  # never itself
            cols, vals = cols[others], vals[others]
            chosen = related._best(cols, vals, count)
            picks.append(chosen)
            scores.append(_scores_of(chosen, cols, vals))
    return picks, scores


def _scores_of(chosen: np.ndarray, cols: np.ndarray, vals: np.ndarray) -> np.ndarray:
    """The scores of the chosen columns (each is in ``cols`` once). A few passes over the
    row cost less than sorting it: ``chosen`` holds at most ``count`` columns."""
    return np.array([vals[np.flatnonzero(cols == c)[0]] for c in chosen.tolist()],
                    dtype=vals.dtype)  # fmt: skip


def _update(
    memo: Memo, matrix: sp.csr_matrix, changed: np.ndarray, count: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    n = len(changed)
    moved = np.flatnonzero(changed)
    if not len(moved):
        return list(memo.picks), list(memo.scores)
    if len(moved) > FULL_FROM * n:
        return _score_rows(matrix, np.arange(n), count)
    lengths = np.array([len(p) for p in memo.picks])
    flat = np.concatenate(memo.picks) if lengths.sum() else np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(n), lengths)
    again = changed.copy()
    again[owner[changed[flat]]] = True  # it picked a changed row: it may lose it
    picks, scores = list(memo.picks), list(memo.scores)
    index_t = matrix.T.tocsr()
    redo = np.flatnonzero(again)
    new_picks, new_scores = _score_rows(matrix, redo, count, index_t)
    for row, p, s in zip(redo.tolist(), new_picks, new_scores, strict=True):
        picks[row], scores[row] = p, s
    keep = np.flatnonzero(~again)
    towards = index_t[:, moved]  # the changed papers' columns, renumbered 0..len(moved)-1
    for start in range(0, len(keep), ROWS_PER_PRODUCT):
        block = keep[start : start + ROWS_PER_PRODUCT]
        product = (matrix[block] @ towards).tocsr()
        for offset, row in enumerate(block.tolist()):
            lo, hi = product.indptr[offset], product.indptr[offset + 1]
            cols = np.concatenate((memo.picks[row], moved[product.indices[lo:hi]]))
            vals = np.concatenate((memo.scores[row], product.data[lo:hi]))
            chosen = related._best(cols, vals, count)
            picks[row], scores[row] = chosen, _scores_of(chosen, cols, vals)
    return picks, scores
