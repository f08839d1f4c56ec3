"""The labelled arXiv collections in bench/data parse and carry what bench/quality.py reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}$|^[a-z-]+(\.[A-Z]{2})?/\d{7}$")


@pytest.mark.parametrize("name", ["arxiv-real", "arxiv-ml"])
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


def test_arxiv_ml_sources_name_a_commit() -> None:
    lines = (DATA / "arxiv-ml.jsonl").read_text(encoding="utf-8").splitlines()
    sources = {json.loads(line)["source"] for line in lines if line.strip()}
    assert all(re.search(r"@[0-9a-f]{40}$", s) for s in sources)
