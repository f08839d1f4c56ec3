"""search_index.py: the static index written from records, read back as search.js reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder import search_index
from site_builder.search_index import SearchRecord, words, write_index


def record(n: int, title: str, abstract: str = "", authors=("Ada Lovelace",), topics=("Music",)):
    return SearchRecord(
        url=f"/repo/papers/p{n}/",
        title=title,
        authors=tuple(authors),
        abstract=abstract,
        topics=tuple(topics),
        date_iso=f"2024-03-{1 + n % 28:02d}",
    )


RECORDS = [
    record(0, "Piano transcription with pedals", "Onsets and offsets of notes."),
    record(
        1,
        "Robots that grasp",
        "A gripper learns to pick up cups.",
        ("Grace Hopper",),
        ("Robotics",),
    ),
    record(2, "Café music", "Naïve Bayes over ÉTUDES.", ("Zoë Ünal",), ("Music", "Robotics")),
]


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def load(bundle: Path, name: str):
    return json.loads((bundle / name).read_text(encoding="utf-8"))


def lookup(bundle: Path, word: str, prefix: bool = False) -> dict[int, int]:
    """doc -> field mask, found as search.js finds it: via the manifest's shard keys."""
    keys = load(bundle, "manifest.json")["shards"]
    longest = max((k for k in keys if word.startswith(k)), key=len, default=None)
    chosen = [k for k in keys if prefix and len(k) > len(word) and k.startswith(word)]
    chosen += [longest] if longest else []
    found: dict[int, int] = {}
    for key in chosen:
        shard = load(bundle, f"terms/{key.encode().hex()}.json")
        for term, codes in shard.items():
            if term == word or (prefix and term.startswith(word)):
                doc = 0
                for code in codes:
                    doc += code // 8
                    found[doc] = found.get(doc, 0) | code % 8
    return found


def document(bundle: Path, doc: int) -> list:
    per = load(bundle, "manifest.json")["docs_per_chunk"]
    return load(bundle, f"docs/{doc // per}.json")[doc % per]


def test_words_are_found_in_title_authors_and_abstract(tmp_path: Path) -> None:
    write_index(RECORDS, tmp_path / "b")
    b = tmp_path / "b"
    assert lookup(b, "piano") == {0: search_index.TITLE}
    assert lookup(b, "hopper") == {1: search_index.AUTHOR}
    assert lookup(b, "gripper") == {1: search_index.ABSTRACT}
    assert lookup(b, "music") == {2: search_index.TITLE}
    assert set(lookup(b, "gri", prefix=True)) == {1}  # typing: the last word as a prefix
    assert lookup(b, "gri") == {}
    # Accents and case folded the same way search.js folds a query.
    assert words("Café ÉTUDES Zoë") == ["cafe", "etudes", "zoe"]
    assert set(lookup(b, "cafe")) == set(lookup(b, "etudes")) == set(lookup(b, "zoe")) == {2}
    assert document(b, 1)[:3] == ["/repo/papers/p1/", "Robots that grasp", "2024-03-02"]


def test_topic_lists_and_names(tmp_path: Path) -> None:
    b = tmp_path / "b"
    write_index(RECORDS, b)
    manifest = load(b, "manifest.json")
    assert manifest["topics"] == ["Music", "Robotics"]
    assert manifest["docs"] == 3
    assert load(b, "topics/0.json") == [0, 2]  # gaps: docs 0 and 2
    assert load(b, "topics/1.json") == [1, 1]  # docs 1 and 2
    assert document(b, 2)[4] == [0, 1]


def many(n: int) -> list[SearchRecord]:
    vocab = [f"w{i:04d}" for i in range(3000)]
    return [
        record(
            i,
            f"Paper {vocab[i % 3000]} on models",
            " ".join(vocab[(i * 7 + j) % 3000] for j in range(40)),
            (f"Author {i % 97}",),
            (f"T{i % 5}",),
        )
        for i in range(n)
    ]


def test_two_builds_are_byte_identical_and_streaming_gives_the_same(tmp_path: Path) -> None:
    records = many(400)
    write_index(records, tmp_path / "a")
    write_index(list(records), tmp_path / "b")
    write_index(iter(records), tmp_path / "c")  # a one-shot stream: no digest pass first
    assert tree(tmp_path / "a") == tree(tmp_path / "b") == tree(tmp_path / "c")
    write_index(records[:-1], tmp_path / "d")
    assert tree(tmp_path / "d") != tree(tmp_path / "a")


def test_shards_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_index, "SHARD_BYTES", 4000)
    b = tmp_path / "b"
    write_index(many(1500), b)
    shards = list((b / "terms").glob("*.json"))
    assert len(shards) > 20
    for path in shards:
        shard = json.loads(path.read_text(encoding="utf-8"))
        biggest = max(len(json.dumps({t: c})) for t, c in shard.items())
        # At most the bound, or a single term that alone is larger ("models" is in every title).
        assert path.stat().st_size <= 2 * 4000 + biggest, path.name
    # Every term is still found through the split shards.
    assert set(lookup(b, "models")) == set(range(1500))
    assert set(lookup(b, "w0123")) >= {123}
    assert len(list((b / "docs").glob("*.json"))) == -(-1500 // search_index.DOCS_PER_CHUNK)


def test_hostile_text_is_stored_as_inert_json_text(tmp_path: Path) -> None:
    evil = '<script>alert(1)</script> "quoted" \u2028 </script><img src=x onerror=alert(2)>'
    b = tmp_path / "b"
    write_index([record(0, evil, evil, (evil,), (evil,))], b)
    doc = document(b, 0)
    assert doc[1] == evil and doc[3] == [evil] and doc[5] == evil  # round-trips as text
    assert load(b, "manifest.json")["topics"] == [evil]
    assert set(lookup(b, "script")) == {0} and set(lookup(b, "onerror")) == {0}
    for name, data in tree(b).items():  # shard file names are hex, never the hostile text
        assert "/" not in name.split("/", 1)[-1] and "<" not in name
        json.loads(data)


def test_unchanged_records_reuse_the_previous_bundle(tmp_path: Path) -> None:
    records = many(120)
    write_index(records, tmp_path / "old")
    write_index(records, tmp_path / "new", previous=tmp_path / "old")
    manifest = tmp_path / "new" / "manifest.json"
    assert manifest.stat().st_ino == (tmp_path / "old" / "manifest.json").stat().st_ino  # linked
    changed = [*records[:-1], record(999, "Something new")]
    write_index(changed, tmp_path / "third", previous=tmp_path / "old")
    assert (tmp_path / "third" / "manifest.json").stat().st_ino != manifest.stat().st_ino
    assert set(lookup(tmp_path / "third", "something")) == {119}
    write_index(records, tmp_path / "fourth", previous=tmp_path / "missing")  # no previous: fine
    assert tree(tmp_path / "fourth") == tree(tmp_path / "old")
