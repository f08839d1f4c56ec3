"""The labelled arXiv collections in bench/data parse and carry what bench/quality.py reads."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
ARXIV_ML = ["arxiv-ml", "arxiv-ml2", "arxiv-ml3", "arxiv-ml4"]
ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}$|^[a-z-]+(\.[A-Z]{2})?/\d{7}$")


OTHER_FIELDS = ["arxiv-astro", "arxiv-math", "arxiv-bio", "arxiv-physics"]


@pytest.mark.parametrize("name", ["arxiv-real", *ARXIV_ML, *OTHER_FIELDS])
def test_records_parse_with_unique_arxiv_ids_and_labels(name: str) -> None:
    lines = (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    assert rows
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert ARXIV_ID.match(r["id"]), r["id"]
        assert r["title"].strip() and len(r["abstract"]) >= 200, r["id"]
        assert r["categories"] and all(c.strip() for c in r["categories"]), r["id"]
        assert r["source"].strip(), r["id"]


def _ids(name: str) -> list[str]:
    lines = (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["id"] for line in lines if line.strip()]


@pytest.mark.parametrize("name", [*ARXIV_ML, *OTHER_FIELDS])
def test_arxiv_ml_sources_name_a_commit(name: str) -> None:
    lines = (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    sources = {json.loads(line)["source"] for line in lines if line.strip()}
    assert sources
    assert all(re.search(r"@[0-9a-f]{40}$", s) for s in sources)


# The first labeller's keywords for every set; a second, independent labeller's for one.
KEYWORD_FILES = [(name, "") for name in ARXIV_ML] + [("arxiv-ml", "-b"), ("arxiv-ml4", "-b")]


@pytest.mark.parametrize(("name", "labeller"), KEYWORD_FILES)
def test_keyword_files_cover_their_records_in_order(name: str, labeller: str) -> None:
    path = DATA / f"{name}-keywords{labeller}.yaml"
    keywords = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(keywords) == _ids(name)
    for paper, words in keywords.items():
        assert isinstance(words, list) and 3 <= len(words) <= 5, paper
        assert all(isinstance(w, str) and w.strip() and w == w.lower() for w in words), paper
        assert len(set(words)) == len(words), paper


@pytest.mark.parametrize(
    ("first", "second"), list(itertools.combinations([*ARXIV_ML, *OTHER_FIELDS], 2))
)
def test_arxiv_ml_collections_share_no_id(first: str, second: str) -> None:
    assert not set(_ids(first)) & set(_ids(second))
