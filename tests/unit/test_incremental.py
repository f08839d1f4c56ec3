"""Incremental builds give the same bytes as a cold build, whatever was edited.

A property test (hypothesis) applies random sequences of edits a user makes — an abstract, a
title, a date, hand-written topics, a new paper, a deleted one, a renamed one, a template, a
setting in site.yaml, the taxonomy — and after each one compares the incremental build with a
cold build of the same sources, file by file. Listing pages (home, topics, days), feeds,
related lists, papers.json and the sitemap are where incremental builds usually go stale.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build import Builder, build
from site_builder.config import Config, load_config
from site_builder.enrich import related, related_incremental
from site_builder.model import Paper
from site_builder.taxonomy import default_taxonomy_path

WORDS = (
    "diffusion",
    "reinforcement",
    "policy",
    "graph",
    "transformer",
    "attention",
    "robot",
    "speech",
    "music",
    "audio",
    "language",
    "model",
    "alignment",
    "reward",
    "image",
    "video",
    "retrieval",
    "sparse",
    "kernel",
    "bandit",
    "causal",
    "federated",
    "privacy",
    "vision",
    "contrastive",
)

PAPER = """---
title: {title}
date: {date}
{extra}---

{abstract}
"""

SITE_YAML = """title: Edits
base_url: https://u.github.io/repo/
papers_per_page: 3
topics_file: topics.yaml
"""


def words(seed: int, n: int) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(n))


def write_paper(site: Path, slug: str, seed: int, *, topics: str = "") -> None:
    extra = f"topics:\n  - {topics}\n" if topics else ""
    text = PAPER.format(
        title=f"{words(seed, 3).title()} {slug}",
        date=f"2024-03-{1 + seed % 9:02d}",
        extra=extra,
        abstract=f"We study {words(seed, 12)}. Results on {words(seed + 1, 6)}.",
    )
    (site / "content" / "papers" / f"{slug}.md").write_text(text, encoding="utf-8")


def make_site(root: Path) -> Path:
    site = root / "site"
    (site / "content" / "papers").mkdir(parents=True)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    shutil.copyfile(default_taxonomy_path(), site / "topics.yaml")
    for i in range(8):
        write_paper(site, f"paper-{i}", i)
    return site


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")
    }


def config(site: Path, output: Path) -> Config:
    # Search is left out: its index has tests of its own (it is rebuilt from the same records).
    return load_config(site, {"output_dir": str(output), "search": False})


def papers(site: Path) -> list[Path]:
    return sorted((site / "content" / "papers").glob("*.md"))


def edit(site: Path, kind: str, n: int) -> None:
    files = papers(site)
    target = files[n % len(files)] if files else None
    if kind == "abstract" and target:
        target.write_text(target.read_text() + f"\nMore on {words(n, 4)}.\n")
    elif kind == "title" and target:
        text = target.read_text().replace("title: ", f"title: Revised {n} ", 1)
        target.write_text(text)
    elif kind == "date" and target:
        lines = target.read_text().splitlines(keepends=True)
        lines = [f"date: 2024-02-{1 + n % 27:02d}\n" if x.startswith("date:") else x
                 for x in lines]  # fmt: skip
        target.write_text("".join(lines))
    elif kind == "topics" and target:
        text = target.read_text().replace("---\n\n", "topics:\n  - Hand picked\n---\n\n", 1)
        target.write_text(text)
    elif kind == "add":
        write_paper(site, f"added-{n}", n + 3)
    elif kind == "delete" and target and len(files) > 2:
        target.unlink()
    elif kind == "rename" and target:
        target.rename(target.with_name(f"renamed-{n}-{target.name}"))
    elif kind == "template":
        templates = site / "templates"
        templates.mkdir(exist_ok=True)
        name = ("paper.html", "index.html", "_macros.html")[n % 3]
        override = templates / name
        if not override.exists():
            default = Path(load_config(site).theme_dir) / "templates" / name
            override.write_text(default.read_text())
        override.write_text(override.read_text() + f"{{# edit {n} #}}\n<!-- {n} -->\n")
    elif kind == "config":
        yaml = (site / "site.yaml").read_text()
        if "papers_per_page: 3" in yaml:
            yaml = yaml.replace("papers_per_page: 3", "papers_per_page: 2")
        else:
            yaml = yaml.replace("title: Edits", f"title: Edits {n}")
        (site / "site.yaml").write_text(yaml)
    elif kind == "taxonomy":
        taxonomy = site / "topics.yaml"
        # A keyword for the first topic that the generated abstracts use: topics move.
        text = taxonomy.read_text()
        marker = "keywords:\n"
        at = text.index(marker) + len(marker)
        next_line = text[at:].split("\n", 1)[0]
        indent = next_line[: len(next_line) - len(next_line.lstrip())]
        word = WORDS[n % len(WORDS)]
        if f"{indent}{word}:" not in text:
            taxonomy.write_text(f"{text[:at]}{indent}{word}: 9\n{text[at:]}")


def backdate(site: Path) -> None:
    """As if every file of the site had been saved a minute ago."""
    then = time.time_ns() - 60_000_000_000
    for p in site.rglob("*"):
        os.utime(p, ns=(then, then))


# What a browser shows while serve rebuilds: the home page and one paper's.
OPEN = frozenset({"index.html", "papers/paper-1/index.html"})

EDITS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "abstract",
                "title",
                "date",
                "topics",
                "add",
                "delete",
                "rename",
                "template",
                "config",
                "taxonomy",
                "nothing",
            ]
        ),
        st.integers(min_value=0, max_value=50),
        st.booleans(),  # the next build in the same process (serve) or a new one (build)
        st.booleans(),  # time passes first: the files' stats are old enough to be trusted
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=16,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=EDITS,
    serve=st.booleans(),
    cards_from=st.sampled_from([1, 6, 10**9]),
    open_first=st.sampled_from([0, 10**9]),
)
def test_incremental_output_is_byte_identical_to_a_cold_build(
    tmp_path_factory: pytest.TempPathFactory,
    edits: list[tuple[str, int, bool, bool]],
    serve: bool,
    cards_from: int,
    open_first: int,
) -> None:
    """``serve``: one Builder without the disk cache, as the dev server keeps it (it reuses
    the last build's cards in memory), each rebuild deferring what it may, then the
    follow-up build that finishes it. ``cards_from``: how many listed papers make a build
    read the cards the build cache holds (some edits of these small sites reach 6, some
    do not, so a cards file older than the last build is read too). ``open_first``: from
    how many pages to render a serve rebuild renders the open pages only (0: always)."""
    with (
        mock.patch("site_builder.build.CARDS_FROM_CACHE", cards_from),
        mock.patch("site_builder.build.OPEN_FIRST_FROM", open_first),
    ):
        _edits_equal_cold_builds(tmp_path_factory.mktemp("edits"), edits, serve)


def _edits_equal_cold_builds(
    root: Path, edits: list[tuple[str, int, bool, bool]], serve: bool
) -> None:
    site = make_site(root)
    out, cold = root / "out", root / "cold"
    warm = Builder(site, use_cache=not serve)
    warm.build(config(site, out))
    for kind, n, same_process, later in edits:
        if later:
            backdate(site)
            warm.build(config(site, out))  # reads what it no longer trusts, and trusts it
        edit(site, kind, n)
        builder = warm if same_process or serve else Builder(site)
        if serve:
            builder.build(config(site, out), defer_global=True, open_pages=OPEN)
        report = builder.build(config(site, out))
        shutil.rmtree(cold, ignore_errors=True)
        build(config(site, cold), use_cache=False)
        assert tree(out) == tree(cold), f"after {kind} {n}"
        assert report.rendered <= report.pages


def test_a_second_build_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "out"
    first = build(config(site, out))
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    second = build(config(site, out))
    assert first.rendered == first.pages and second.rendered == 0 and second.files == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


def test_one_abstract_edit_renders_only_the_pages_that_show_that_paper(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "out"
    build(config(site, out))
    target = site / "content" / "papers" / "paper-3.md"
    target.write_text(target.read_text() + "\nA new closing sentence.\n")
    report = build(config(site, out))
    assert 0 < report.rendered < report.pages / 2
    page = (out / "papers" / "paper-3" / "index.html").read_text()
    assert "A new closing sentence." in page
    assert "A new closing sentence." in (out / "feed.xml").read_text()  # the feed is fresh


def test_a_deleted_cache_or_output_means_a_full_build(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "out"
    build(config(site, out))
    shutil.rmtree(site / ".site-builder-cache")
    again = build(config(site, out))
    assert again.rendered == again.pages
    shutil.rmtree(out)
    third = build(config(site, out))
    assert third.rendered == third.pages and (out / "index.html").is_file()


def test_a_cache_from_another_site_builder_or_a_hostile_one_is_ignored(tmp_path: Path) -> None:
    import pickle

    site = make_site(tmp_path)
    out = tmp_path / "out"
    build(config(site, out))
    [state] = list((site / ".site-builder-cache").rglob("state.pickle"))

    class Evil:
        def __reduce__(self):
            return (Path.write_text, (tmp_path / "pwned", "x"))

    state.write_bytes(pickle.dumps(Evil()))
    again = build(config(site, out))
    assert not (tmp_path / "pwned").exists()
    assert again.rendered == again.pages  # read as no cache at all


def test_parallel_and_serial_builds_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path)
    for i in range(8, 60):
        write_paper(site, f"paper-{i}", i)
    one, two = tmp_path / "one", tmp_path / "two"
    import site_builder.build as build_module

    monkeypatch.setattr(build_module, "PARALLEL_FROM", 1)  # the small site takes the pool path
    build(config(site, one), jobs=1, use_cache=False)
    build(config(site, two), jobs=2, use_cache=False)
    assert tree(one) == tree(two)


# --- related papers, recomputed only where they can change --------------------------------

RELATED_WORDS = (*WORDS[:12], "tables", "questions", "proteins", "molecules")


TOPIC_NAMES = ("Robotics", "robotics", "Speech", "Other", "Vision")


def _paper(slug: str, words_of: list[int], topics: tuple[str, ...] = ()) -> Paper:
    text = " ".join(RELATED_WORDS[i] for i in words_of)
    return Paper(slug=slug, title=f"On {text.split(' ', 1)[0]}", date=dt.date(2024, 1, 1),
                 abstract=text, topics=topics)  # fmt: skip


TEXTS = st.lists(st.integers(0, len(RELATED_WORDS) - 1), min_size=0, max_size=8)
TOPICS = st.lists(st.sampled_from(TOPIC_NAMES), max_size=2).map(tuple)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.tuples(TEXTS, TOPICS), min_size=2, max_size=14),
    rounds=st.lists(
        st.lists(st.tuples(st.integers(0, 13), TEXTS, TOPICS), min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    ),
    count=st.integers(1, 4),
    ignore=st.sampled_from([(), ("Other",)]),
)
def test_incremental_related_papers_equal_a_cold_computation(
    monkeypatch: pytest.MonkeyPatch,
    texts: list[tuple[list[int], tuple[str, ...]]],
    rounds: list[list[tuple[int, list[int], tuple[str, ...]]]],
    count: int,
    ignore: tuple[str, ...],
) -> None:
    """Few words, many repeats: ties and papers with no shared word are common, which is
    where an incremental top-k most easily differs from a full one. The partial update is
    taken however many rows changed (it would score everything again past FULL_FROM)."""
    monkeypatch.setattr(related_incremental, "FULL_FROM", 1.0)
    current = [_paper(f"p{i:02d}", t, topics) for i, (t, topics) in enumerate(texts)]
    mapping, memo = related_incremental.related_papers(current, count, None, ignore)
    assert mapping == related.related_papers(current, count, ignore)
    for edits in rounds:
        for which, words_of, topics in edits:
            i = which % len(current)
            current[i] = _paper(current[i].slug, words_of, topics)
        mapping, memo = related_incremental.related_papers(current, count, memo, ignore)
        assert mapping == related.related_papers(current, count, ignore)


def test_an_edit_that_moves_one_row_rescoring_only_what_it_must(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A word (and so a two-word phrase) no other paper has changes no other paper's weights,
    though it shifts the columns: only that paper's row changes, and only it and the papers
    that had picked it are scored against every paper again."""
    papers_ = [_paper(f"p{i:02d}", [i % 16, (i * 5) % 16, (i * 7 + 1) % 16]) for i in range(40)]
    _mapping, memo = related_incremental.related_papers(papers_, 3)
    assert memo is not None
    edited = list(papers_)
    edited[7] = replace(edited[7], abstract=edited[7].abstract + " zebrafish")
    matrix, terms, _counts = related_incremental.scored_rows(
        sorted(edited, key=lambda p: p.slug), (), related.TOPIC_WEIGHT
    )
    changed = related_incremental.changed_rows(memo, matrix, terms)
    assert changed.tolist() == [i == 7 for i in range(40)]
    scored: list[int] = []
    full = related_incremental._score_rows

    def spy(matrix, rows, count, index_t=None):  # type: ignore[no-untyped-def]
        scored.extend(rows.tolist())
        return full(matrix, rows, count, index_t)

    monkeypatch.setattr(related_incremental, "_score_rows", spy)
    again, _ = related_incremental.related_papers(edited, 3, memo)
    assert again == related.related_papers(edited, 3)
    pickers = {i for i, picks in enumerate(memo.picks) if 7 in picks.tolist()}
    assert sorted(scored) == sorted({7} | pickers)


def test_the_memo_survives_the_build_cache_and_stays_exact() -> None:
    """build keeps the rows in its cache as plain bytes (the safe unpickler reads nothing
    else); read back, they give the same update as the memo in memory."""
    import io
    import pickle

    from site_builder.cache import _SafeUnpickler

    papers_ = [_paper(f"p{i:02d}", [i % 16, (i * 5) % 16, (i * 7 + 1) % 16]) for i in range(30)]
    _mapping, memo = related_incremental.related_papers(papers_, 3)
    assert memo is not None
    plain = _SafeUnpickler(io.BytesIO(pickle.dumps(memo.to_plain()))).load()
    back = related_incremental.Memo.from_plain(plain)
    assert back is not None
    edited = list(papers_)
    edited[4] = replace(edited[4], abstract="tables questions proteins")
    want = related.related_papers(edited, 3)
    assert related_incremental.related_papers(edited, 3, back)[0] == want
    assert related_incremental.Memo.from_plain(("not", "a", "memo")) is None


def test_term_counts_reused_from_a_last_run_equal_counts_made_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A build counts the terms of changed papers only; whatever the last run held (edited,
    added, removed and reordered papers), the counts must be the ones a cold build makes."""
    papers_ = [_paper(f"p{i:02d}", [i % 16, (i * 5) % 16, (i * 7 + 1) % 16]) for i in range(30)]
    first = related.count_terms(papers_)
    edited = list(reversed(papers_[5:]))  # five gone, the rest in another order
    edited[3] = replace(edited[3], abstract=edited[3].abstract + " zebrafish tables")
    edited.append(_paper("new", [1, 2, 3, 4]))
    reused = related.count_terms(edited, first)
    fresh = related.count_terms(edited)
    assert reused.keys == fresh.keys and reused.ids.tolist() == fresh.ids.tolist()
    assert (reused.counts != fresh.counts).nnz == 0
    assert reused.counts.indices.tolist() == fresh.counts.indices.tolist()
    monkeypatch.setattr(related, "stop_words", lambda: pytest.fail("stop words read again"))
    related.count_terms(edited, reused)  # the stop words come with the last run's counts


def test_term_weights_are_scikit_learns_tfidf() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    papers_ = sorted(
        (_paper(f"p{i:02d}", [i % 16, (i * 5) % 16, (i * 3 + 2) % 16, i % 7]) for i in range(25)),
        key=lambda p: p.slug,
    )
    ours, _ids, _counts = related.vectorize(papers_)
    theirs = TfidfVectorizer(
        stop_words=related.stop_words(), token_pattern=related.TOKEN_PATTERN,
        ngram_range=(1, 2), max_df=0.5, dtype=np.float32,
    ).fit_transform(related.paper_text(p) for p in papers_)  # fmt: skip
    assert ours.shape == theirs.shape
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-5)


def test_a_one_paper_edit_build_does_not_import_scikit_learn(tmp_path: Path) -> None:
    """scikit-learn takes over a second to import; an edit's related papers do without it."""
    import subprocess
    import sys

    site = make_site(tmp_path)
    build(config(site, tmp_path / "out"))
    target = site / "content" / "papers" / "paper-3.md"
    target.write_text(target.read_text() + "\nA new closing sentence.\n")
    code = (
        "import sys; from pathlib import Path; from site_builder.build import build; "
        "from site_builder.config import load_config; "
        f"build(load_config(Path({str(site)!r}), {{'output_dir': {str(tmp_path / 'out')!r}}}),"
        " use_cache=True); "
        "print('sklearn' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "False"
    page = tmp_path / "out" / "papers" / "paper-3" / "index.html"
    assert "A new closing sentence." in page.read_text()


def test_a_taxonomy_edit_in_serve_patches_output_in_place_and_equals_a_cold_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild over the small-patch limit but under half the site is written in place (no
    staged copy of every file), rendered by workers, and reuses the last build's cards."""
    monkeypatch.setattr("site_builder.write.PATCH_LIMIT", 1)
    monkeypatch.setattr("site_builder.build.PARALLEL_FROM", 1)  # workers write the patch
    site = make_site(tmp_path)
    for i in range(8, 30):
        write_paper(site, f"paper-{i}", i)
    out, cold = tmp_path / "out", tmp_path / "cold"
    serve = Builder(site, use_cache=False)
    serve.build(config(site, out), jobs=2)
    folder = out.stat().st_ino
    taxonomy = site / "topics.yaml"  # one paper's title now names the first topic
    text = taxonomy.read_text().replace("keywords:\n", "keywords:\n          paper-12: 12\n", 1)
    taxonomy.write_text(text)
    first = serve.build(config(site, out), jobs=2, defer_global=True)
    assert 1 < first.rendered < first.pages / 2
    assert "data files" in first.pending  # the feeds wait for the follow-up
    assert out.stat().st_ino == folder  # patched, not swapped for a staged copy
    serve.build(config(site, out), jobs=2)  # serve's follow-up
    build(config(site, cold), use_cache=False)
    assert tree(out) == tree(cold)
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.parametrize("serve", [False, True], ids=["build", "serve"])
def test_a_taxonomy_edit_lists_unchanged_papers_with_the_last_builds_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serve: bool
) -> None:
    """A rebuild after a taxonomy edit re-lists most papers. It takes the cards of the papers
    whose topics did not move from the last build (`build`: the build cache, read by a new
    process; `serve`: memory) instead of making each paper's view again, even when the edit
    gives a topic its first paper (a new topic page); and the site is the cold build's."""
    from site_builder.views import ViewStore

    missed: list[str] = []  # cards a listing asked for that had to be made
    real = ViewStore.card

    def card(self: ViewStore, slug: str):  # type: ignore[no-untyped-def]
        if slug not in self.cards:
            missed.append(slug)
        return real(self, slug)

    monkeypatch.setattr(ViewStore, "card", card)

    def taxonomy_edit(root: Path, cards_from: int) -> list[str]:
        monkeypatch.setattr("site_builder.build.CARDS_FROM_CACHE", cards_from)
        site = make_site(root)
        for i in range(8, 30):
            write_paper(site, f"paper-{i}", i)
        out, cold = root / "out", root / "cold"
        builder = Builder(site, use_cache=not serve)
        builder.build(config(site, out))
        before = {p.parent.name for p in (out / "topics").glob("*/index.html")}
        taxonomy = site / "topics.yaml"  # one paper's title now names the first topic
        text = taxonomy.read_text()
        taxonomy.write_text(text.replace("keywords:\n", "keywords:\n          paper-12: 12\n", 1))
        missed.clear()
        if not serve:
            builder = Builder(site)  # a new process, as `site-builder build` is
        report = builder.build(config(site, out), jobs=1, defer_global=serve)
        made = sorted(set(missed))
        assert 1 < report.rendered < report.pages
        if serve:
            builder.build(config(site, out), jobs=1)  # serve's follow-up
        after = {p.parent.name for p in (out / "topics").glob("*/index.html")}
        assert len(after - before) == 1  # the first topic's page is new
        build(config(site, cold), use_cache=False)
        assert tree(out) == tree(cold)
        return made

    # Only the moved paper's card is made again (its topics changed)...
    assert set(taxonomy_edit(tmp_path / "kept", 5)) <= {"paper-12"}
    if not serve:  # ...where a build that does not read the cached cards makes most again.
        assert len(taxonomy_edit(tmp_path / "made", 10**9)) > 10


def test_a_site_wide_edit_in_serve_renders_the_open_pages_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A serve rebuild with many pages to render (a site title edit renders them all) renders
    the pages a browser shows, and pages new to the site, first; every other page keeps the
    last build's until the follow-up, which makes the cold build's site."""
    monkeypatch.setattr("site_builder.build.OPEN_FIRST_FROM", 5)
    site = make_site(tmp_path)
    out, cold = tmp_path / "out", tmp_path / "cold"
    serve = Builder(site, use_cache=False)
    full = serve.build(config(site, out))
    yaml = site / "site.yaml"
    yaml.write_text(yaml.read_text().replace("title: Edits", "title: Retitled"))
    write_paper(site, "paper-new", 3)  # a page output/ does not have yet
    shown = "papers/paper-2/index.html"
    first = serve.build(config(site, out), defer_global=True, open_pages={shown})
    assert "Retitled" in (out / shown).read_text()
    assert "Retitled" in (out / "papers/paper-new/index.html").read_text()
    assert "Retitled" not in (out / "papers/paper-5/index.html").read_text()
    assert first.rendered < full.pages / 4
    assert any(p.endswith(" other pages") for p in first.pending)
    last = serve.build(config(site, out))  # the follow-up
    assert not last.pending
    assert "Retitled" in (out / "papers/paper-5/index.html").read_text()
    build(config(site, cold), use_cache=False)
    assert tree(out) == tree(cold)
