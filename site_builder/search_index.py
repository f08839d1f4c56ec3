"""The static search index: built from the papers' records, never from HTML (docs/search.md).

Layout of the bundle folder (every file is JSON, written in a fixed order with sorted keys, so
two builds of the same records are byte-identical):

- ``manifest.json``: format version, digest of the records, document count, the sorted list
  of term-shard keys, topic names, documents per chunk.
- ``terms/<key>.json``: the terms whose longest shard-key prefix is ``key``, each with its
  postings ``[gap * 8 + fields, ...]`` (gaps between doc numbers; fields: 4 title, 2 author,
  1 abstract). A shard that grows past SHARD_BYTES is split by the next character, so a shard
  stays small except when one term alone is larger.
- ``topics/<n>.json``: the doc numbers (as gaps) of the n-th topic, for the topic filter.
- ``docs/<n>.json``: DOCS_PER_CHUNK documents each: url, title, date, authors, topic numbers,
  abstract text (cut to EXCERPT_SOURCE characters).

search.js loads the manifest, then only the shards, topic lists and doc chunks a query needs.
Memory while building is the postings (compact arrays) plus one doc chunk, whatever N is.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
from array import array
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # views imports SearchRecord from here: the runtime import runs one way
    from .views import PaperView

FORMAT = 1  # bump when the layout changes: an older bundle is then never reused
SHARD_BYTES = 48_000  # target upper bound of a term shard
DOCS_PER_CHUNK = 50
EXCERPT_SOURCE = 1500  # characters of abstract kept for excerpts
TITLE, AUTHOR, ABSTRACT = 4, 2, 1
MANIFEST = "manifest.json"

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchRecord:
    """One searchable paper. ``url`` is base-absolute ("/repo/papers/x/")."""

    url: str
    title: str
    authors: tuple[str, ...]
    abstract: str  # plain text
    topics: tuple[str, ...]
    date_iso: str


def records_from_views(views: Iterable[PaperView]) -> list[SearchRecord]:
    """Records in the order given (the site's order: newest first), which is also the rank
    order of equally good results."""
    return [
        SearchRecord(
            url=v.url,
            title=v.title,
            authors=tuple(v.authors),
            abstract=v.abstract_text,
            topics=tuple(t.name for t in v.topics),
            date_iso=v.date_iso,
        )
        for v in views
    ]


def words(text: str) -> list[str]:
    """Index terms: lower case, accents dropped, runs of letters and digits. search.js
    tokenises queries the same way (NFKD, strip marks, toLowerCase, [\\p{L}\\p{N}]+)."""
    if not text.isascii():  # most abstracts are ASCII: skip the Unicode work for them
        text = unicodedata.normalize("NFKD", text).translate(_MARKS)
    return _WORD.findall(text.lower())


class _Marks(dict[int, int | None]):
    """A str.translate table deleting every mark (Unicode category M*, what \\p{M} matches
    in search.js). Each code point is looked up the first time it is met: a table of all
    1.1 million took half a second to make, in every build that met one accent."""

    def __missing__(self, cp: int) -> int | None:
        kept = None if unicodedata.category(chr(cp)).startswith("M") else cp
        self[cp] = kept
        return kept


_MARKS = _Marks()


def records_digest(records: Iterable[SearchRecord]) -> str:
    digest = hashlib.sha256(f"site-builder search index {FORMAT}\n".encode())
    for r in records:
        digest.update(_dumps(_record_fields(r)).encode("utf-8") + b"\n")
    return digest.hexdigest()


def write_index(
    records: Iterable[SearchRecord], bundle_dir: Path, previous: Path | None = None
) -> None:
    """Write the whole index into ``bundle_dir`` (created; must not exist yet).

    When ``records`` is a collection (it can be read twice) and ``previous`` is a bundle made
    from the same records, that bundle is hard-linked instead: an unchanged collection costs
    one hash over the records. A one-shot iterator is streamed: indexed and written as it
    comes, one doc chunk in memory at a time.
    """
    if isinstance(records, Collection):
        digest = records_digest(records)
        if previous is not None and _reuse(previous, bundle_dir, digest):
            return
    else:
        digest = None
    _build(records, bundle_dir, digest)


def _record_fields(r: SearchRecord) -> list[Any]:
    return [r.url, r.title, list(r.authors), r.abstract, list(r.topics), r.date_iso]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _write(path: Path, value: Any) -> None:
    path.write_text(_dumps(value), encoding="utf-8")


def _build(records: Iterable[SearchRecord], bundle: Path, digest: str | None) -> None:
    bundle.mkdir(parents=True)
    (bundle / "docs").mkdir()
    (bundle / "terms").mkdir()
    (bundle / "topics").mkdir()
    postings: dict[str, array] = {}  # term -> [doc, fields, doc, fields, ...] (4-byte ints)
    topic_docs: dict[str, array] = {}
    hasher = (
        None
        if digest is not None
        else hashlib.sha256(f"site-builder search index {FORMAT}\n".encode())
    )
    chunk: list[list[Any]] = []
    topic_number: dict[str, int] = {}  # first-seen order while streaming; renumbered at the end
    count = 0
    for doc, r in enumerate(records):
        if hasher is not None:
            hasher.update(_dumps(_record_fields(r)).encode("utf-8") + b"\n")
        fields: dict[str, int] = {}
        for field, text in (
            (TITLE, r.title),
            (AUTHOR, " ".join(r.authors)),
            (ABSTRACT, r.abstract),
        ):
            for term in words(text):
                fields[term] = fields.get(term, 0) | field
        for term, mask in fields.items():
            postings.setdefault(term, array("i")).extend((doc, mask))
        for name in dict.fromkeys(r.topics):
            topic_docs.setdefault(name, array("i")).append(doc)
            topic_number.setdefault(name, len(topic_number))
        chunk.append(
            [
                r.url,
                r.title,
                r.date_iso,
                list(r.authors),
                [topic_number[t] for t in r.topics],
                r.abstract[:EXCERPT_SOURCE],
            ]
        )
        count = doc + 1
        if len(chunk) == DOCS_PER_CHUNK:
            _write(bundle / "docs" / f"{doc // DOCS_PER_CHUNK}.json", chunk)
            chunk = []
    if chunk:
        _write(bundle / "docs" / f"{(count - 1) // DOCS_PER_CHUNK}.json", chunk)
    # Topic numbers are first-seen order, which depends only on the records: deterministic.
    topics = sorted(topic_number, key=topic_number.__getitem__)
    for name in topics:
        _write(bundle / "topics" / f"{topic_number[name]}.json", _gaps(topic_docs[name]))
    keys = _write_shards(postings, bundle / "terms")
    if hasher is not None:
        digest = hasher.hexdigest()
    _write(
        bundle / MANIFEST,
        {
            "format": FORMAT,
            "digest": digest,
            "docs": count,
            "docs_per_chunk": DOCS_PER_CHUNK,
            "shards": keys,
            "topics": topics,
        },
    )


def _gaps(docs: array) -> list[int]:
    import numpy as np  # here: a no-op build imports nothing it does not use

    ids = np.frombuffer(docs, dtype=np.int32).astype(np.int64)
    return np.diff(ids, prepend=0).tolist()


def _encoded(pairs: array) -> list[int]:
    """[doc, fields, ...] as [gap * 8 + fields, ...] (numpy: a common word has 100k docs)."""
    import numpy as np

    flat = np.frombuffer(pairs, dtype=np.int32).astype(np.int64).reshape(-1, 2)
    return (np.diff(flat[:, 0], prepend=0) * 8 + flat[:, 1]).tolist()


def _write_shards(postings: dict[str, array], folder: Path) -> list[str]:
    """Group terms by prefix into shards of at most about SHARD_BYTES; returns the keys."""
    # Rough JSON bytes: a posting is a gap * 8 + fields code of about 5 digits and a comma.
    sizes = {t: len(t) + 4 + 6 * len(p) // 2 for t, p in postings.items()}
    keys: list[str] = []

    def place(key: str, terms: list[str]) -> Iterator[tuple[str, list[str]]]:
        if sum(sizes[t] for t in terms) <= SHARD_BYTES or all(len(t) <= len(key) for t in terms):
            yield key, terms
            return
        here = [t for t in terms if len(t) == len(key)]
        children: dict[str, list[str]] = {}
        for t in terms:
            if len(t) > len(key):
                children.setdefault(t[: len(key) + 1], []).append(t)
        if here:
            yield key, here
        for child in sorted(children):
            yield from place(child, children[child])

    first: dict[str, list[str]] = {}
    for term in sorted(postings):
        first.setdefault(term[0], []).append(term)
    for start in sorted(first):
        for key, terms in place(start, first[start]):
            keys.append(key)
            _write(folder / f"{_file_key(key)}.json", {t: _encoded(postings[t]) for t in terms})
    return keys


def _file_key(key: str) -> str:
    """A shard key as a file name: safe ASCII whatever the script (search.js does the same)."""
    return key.encode("utf-8").hex()


def _reuse(previous: Path, bundle: Path, digest: str) -> bool:
    try:
        manifest = json.loads((previous / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("digest") != digest or manifest.get("format") != FORMAT:
            return False
        shutil.copytree(previous, bundle, copy_function=_link_or_copy)
    except (OSError, ValueError):
        shutil.rmtree(bundle, ignore_errors=True)
        return False
    return True


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link (instant; nothing edits bundle files in place), else copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
