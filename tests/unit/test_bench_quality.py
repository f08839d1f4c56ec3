"""bench/quality.py's --conference files: authors' keywords become themes as a reader would
group them, and the papers carry the keywords for the keywords-in-the-source rows."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import quality


def test_keyword_key_ignores_case_hyphens_and_a_plural_last_word() -> None:
    assert quality.keyword_key("Diffusion  Models") == quality.keyword_key("diffusion model")
    assert quality.keyword_key("Meta-Learning") == quality.keyword_key("meta learning")
    # "-ss", "-is" and "-us" words are not plurals.
    assert quality.keyword_key("Robustness") == "robustness"
    assert quality.keyword_key("Causal Analysis") == "causal analysis"


def test_conference_themes_are_the_most_frequent_subject_keywords(tmp_path: Path) -> None:
    lines = []
    for i in range(12):
        gnn = ["Graph Neural Networks", "graph neural network", "GNNs"][i % 3]
        keywords = ["Deep Learning", gnn]
        keywords.append(f"rare topic {i}")
        lines.append(
            json.dumps({"id": f"x{i}", "title": f"Paper {i}", "abstract": "Text. " * 40,
                        "keywords": keywords, "source": "test"})
        )  # fmt: skip
    path = tmp_path / "conf.jsonl"
    path.write_text("\n".join(lines) + "\n")
    papers, themes = quality.conference(path)
    assert len(papers) == 12 and papers[0].keywords[1] == "Graph Neural Networks"
    # "deep learning" names the whole field: never a theme. The GNN spellings, the
    # abbreviation among them, are one theme, and it leads; then the rare topics, ties by
    # name, up to KEYWORD_THEMES in all.
    every = {t for ts in themes.values() for t in ts}
    assert "deep learning" not in every
    assert all("graph neural network" in themes[p.slug] for p in papers)
    assert len(every) == quality.KEYWORD_THEMES
