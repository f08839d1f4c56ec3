"""`site-builder topics explain`: the scores and keyword hits behind each paper's topics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.explain import explain_paper, find_papers, summary
from site_builder.model import Paper
from site_builder.taxonomy import (
    assign_topics,
    load_taxonomy,
    topic_evidence,
    topic_profile,
    topic_scores,
)

DIFFUSION = Paper(
    slug="fast-diffusion",
    title="Fast sampling for diffusion models",
    date=dt.date(2024, 1, 1),
    abstract="Diffusion models denoise step by step. We distill the sampler into four steps "
    "and keep image quality; the diffusion model runs on a phone.",
)
NOTHING = Paper(
    slug="pottery",
    title="Glazes of Tang dynasty pottery",
    date=dt.date(2024, 1, 2),
    abstract="We compare the glazes of two kilns.",
)


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def test_evidence_adds_up_to_the_scores_the_assigner_uses(taxonomy) -> None:
    evidence = topic_evidence(DIFFUSION.title, DIFFUSION.abstract, taxonomy)
    scores = topic_scores(DIFFUSION.title, DIFFUSION.abstract, taxonomy)
    assert [(e.topic, e.score) for e in evidence] == scores
    for item in evidence:
        assert sum(points for *_, points in item.hits) == pytest.approx(item.score)
    where = {(w, phrase) for w, phrase, _, _ in evidence[0].hits}
    assert ("title", "diffusion model") in where


def test_a_paper_is_explained_with_its_kept_topics_marked(taxonomy) -> None:
    text = explain_paper(DIFFUSION, taxonomy, 3, Path("/site"))
    chosen = assign_topics(DIFFUSION.title, DIFFUSION.abstract, taxonomy)
    assert f"topics: {', '.join(chosen)}" in text
    marked = [line.split(maxsplit=2)[2] for line in text.splitlines() if line.startswith("  *")]
    assert marked == list(chosen)
    assert "title 'diffusion model' +12" in text
    assert "kept: the best" in text


def test_a_paper_no_topic_fits_is_told_it_gets_the_fallback(taxonomy) -> None:
    text = explain_paper(NOTHING, taxonomy, 3, Path("/site"))
    assert f"the fallback '{taxonomy.fallback}'" in text


def test_an_abbreviation_left_out_is_shown_as_not_counted(taxonomy) -> None:
    paper = Paper(
        slug="translationese",
        title="Translationese in the outputs of language models",
        date=dt.date(2024, 1, 3),
        abstract="Multilingual large language models (MLLMs) write in many languages. We "
        "ask whether MLLMs' image captioning outputs read like translated text.",
    )
    text = explain_paper(paper, taxonomy, 3, Path("/site"))
    assert "abstract 'mllm' x2 not counted (spelled out as another topic's phrase)" in text, text
    vlm = next(e for e in topic_evidence(paper.title, paper.abstract, taxonomy)
               if e.topic == "Vision-language models")  # fmt: skip
    assert vlm.score == sum(points for *_, points in vlm.hits) == 4  # image captioning only


def test_topics_written_in_the_file_are_said_to_win(taxonomy) -> None:
    hand = Paper(**{**DIFFUSION.__dict__, "topics": ("My topic",), "topics_from_file": True})
    text = explain_paper(hand, taxonomy, 3, Path("/site"))
    assert "topics: My topic  (written in the file: they win)" in text
    assert "the taxonomy alone would give: Diffusion" in text


def test_the_topic_profile_related_papers_compare_is_shown(taxonomy) -> None:
    text = explain_paper(DIFFUSION, taxonomy, 3, Path("/site"))
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  related papers compare"))
    profile = topic_profile(DIFFUSION.title, DIFFUSION.abstract, taxonomy)
    assert lines[at + 1].strip() == ", ".join(f"{n} {w:.2f}" for n, w in profile)
    assert "unsure" not in lines[at]  # a clear diffusion paper: a profile of length 1
    weak = Paper(**{**DIFFUSION.__dict__, "title": "A note", "abstract": "We sample images."})
    assert "(length 0." in explain_paper(weak, taxonomy, 3, Path("/site"))
    assert "the words only" in explain_paper(NOTHING, taxonomy, 3, Path("/site"))
    hand = Paper(**{**DIFFUSION.__dict__, "topics": ("My topic",), "topics_from_file": True})
    assert "the topics written in the file, equally weighted" in explain_paper(
        hand, taxonomy, 3, Path("/site")
    )


def test_summary_counts_papers_per_topic_and_the_fallback(taxonomy) -> None:
    text = summary([DIFFUSION, NOTHING], taxonomy, 3)
    row = next(line for line in text.splitlines() if line.startswith("Diffusion and score"))
    assert row.split()[-2:] == ["1", "0"]
    assert f"2 papers; 1 got the fallback '{taxonomy.fallback}'" in text
    assert "topics have no paper:" in text
    # Half the papers fit: related papers hardly weigh topics, and another taxonomy is hinted.
    assert "the taxonomy fits 50% of the papers: related papers weigh shared topics x0.004" in text
    assert "`site-builder topics suggest --output draft.yaml`" in text
    fitting = summary([DIFFUSION] * 9 + [NOTHING], taxonomy, 3)
    assert "fits 90% of the papers" in fitting and "topics suggest" not in fitting


def test_papers_are_found_by_slug_or_file(tmp_path: Path) -> None:
    paper = Paper(**{**DIFFUSION.__dict__, "path": tmp_path / "content" / "papers" / "x.md"})
    assert find_papers([paper], ["fast-diffusion"], tmp_path) == [paper]
    assert find_papers([paper], ["content/papers/x.md"], tmp_path) == [paper]
    with pytest.raises(KeyError):
        find_papers([paper], ["nope"], tmp_path)


def test_cli_explains_a_paper_and_refuses_an_unknown_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    (site / "content" / "papers").mkdir(parents=True)
    (site / "site.yaml").write_text("title: T\n")
    (site / "content" / "papers" / "fast-diffusion.md").write_text(
        f"---\ntitle: {DIFFUSION.title}\ndate: 2024-01-01\n---\n{DIFFUSION.abstract}\n"
    )
    assert main(["--site", str(site), "topics", "explain", "fast-diffusion"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("content/papers/fast-diffusion.md: Fast sampling for diffusion models")
    assert main(["--site", str(site), "topics", "explain"]) == 0
    assert "1 papers; 0 got the fallback" in capsys.readouterr().out
    assert main(["--site", str(site), "topics", "explain", "missing"]) == 1
    assert "no paper with the slug or file 'missing'" in capsys.readouterr().err


def test_a_hostile_title_cannot_drive_the_terminal(taxonomy) -> None:
    hostile = Paper(**{**DIFFUSION.__dict__, "title": "Diffusion\x1b[2J\x1b]0;pwned\x07\rmodels"})
    first = explain_paper(hostile, taxonomy, 3, Path("/site")).splitlines()[0]
    assert "\x1b" not in first and "\r" not in first and "\x07" not in first
    assert first.endswith("Diffusion [2J ]0;pwned models")


def test_output_cut_short_by_a_pager_is_not_an_error(tmp_path: Path) -> None:
    # `site-builder topics explain | head -1`: the reader closes the pipe early.
    import subprocess
    import sys

    site = tmp_path / "site"
    (site / "content" / "papers").mkdir(parents=True)
    (site / "site.yaml").write_text("title: T\n")
    for i in range(300):
        (site / "content" / "papers" / f"p{i}.md").write_text(
            f"---\ntitle: Diffusion paper {i}\ndate: 2024-01-01\n---\n{DIFFUSION.abstract}\n"
        )
    command = [sys.executable, "-m", "site_builder", "--site", str(site), "topics", "explain"]
    command += [f"p{i}" for i in range(300)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_a_copied_taxonomy_is_told_which_topics_the_newer_default_adds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    assert main(["new", str(site)]) == 0
    copy = site / "topics.yaml"
    # An older copy: the default without its Medical imaging topic.
    text = copy.read_text(encoding="utf-8")
    start = text.index("      - name: Medical imaging")
    end = text.index("      - name: ", start + 10)
    copy.write_text(text[:start] + text[end:], encoding="utf-8")
    capsys.readouterr()
    assert main(["--site", str(site), "topics", "explain"]) == 0
    out = capsys.readouterr().out
    assert "the packaged default, which now also has 1 topic: Medical imaging." in out
    # An up-to-date copy, or a taxonomy of the user's own, gets no such note.
    copy.write_text(text, encoding="utf-8")
    assert main(["--site", str(site), "topics", "explain"]) == 0
    assert "packaged default" not in capsys.readouterr().out
    own = "fallback: Other\ntopics:\n  - name: Dark matter\n    keywords:\n      dark matter: 4\n"
    copy.write_text(own, encoding="utf-8")
    assert main(["--site", str(site), "topics", "explain"]) == 0
    assert "packaged default" not in capsys.readouterr().out
