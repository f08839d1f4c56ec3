"""ingest.py: records into content files, never clobbering what the user edited or deleted."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from site_builder import frontmatter
from site_builder.config import Config, load_config
from site_builder.errors import ContentError, ErrorList
from site_builder.ingest import ingest
from site_builder.load import load_papers

TODAY = dt.date(2030, 1, 2)
OLD = 1_000_000_000  # an mtime in 2001: any rewrite moves a file's mtime to now


def make_site(tmp_path: Path, site_yaml: str = "") -> Config:
    site = tmp_path / "site"
    site.mkdir()
    if site_yaml:
        (site / "site.yaml").write_text(site_yaml, encoding="utf-8")
    return load_config(site)


def write_dump(tmp_path: Path, papers: list[tuple[str, str]], date: str = "Mar 11") -> Path:
    """A daily-papers dump holding (title, abstract) pairs under one date line."""
    body = "".join(f"{title}\n\n{abstract}\n\n" for title, abstract in papers)
    path = tmp_path / "dump.txt"
    path.write_text(f"new\n\nSubscribe\n\n{date}\n\n{body}", encoding="utf-8")
    return path


def run(source: Path, config: Config):
    return ingest(source, config, year=2024, today=TODAY)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under folder (hidden ones too): bytes and mtime."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def age(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD, OLD))


def paper_files(config: Config) -> list[Path]:
    return sorted(config.papers_dir.glob("*.md"))


def meta_of(path: Path) -> dict:
    return frontmatter.split(path.read_text(encoding="utf-8"), path)[0]


def rel(config: Config, path: Path) -> str:
    return path.relative_to(config.site_dir).as_posix()


ABS_A = "We study score matching. It works well on many benchmarks."
ABS_B = "A music model. Audio samples are available at https://mm.github.io/demo."
ABS_C = "A third paper about reinforcement learning. Code: https://github.com/o/rl."


# --- the real dump ----------------------------------------------------------------------------


def test_real_dump_gives_51_files(tmp_path: Path, real_dump: Path) -> None:
    config = make_site(tmp_path)
    report = run(real_dump, config)
    files = paper_files(config)
    assert len(files) == 51
    assert len(report.added) == 51
    assert report.updated == report.kept_edited == report.kept_deleted == report.duplicates == []
    assert report.warnings == ()
    assert all(f.parent == config.papers_dir for f in files)


def test_real_dump_front_matter(tmp_path: Path, real_dump: Path) -> None:
    config = make_site(tmp_path)
    run(real_dump, config)
    for path in paper_files(config):
        meta = meta_of(path)
        assert {"title", "date", "slug", "authors", "source"} <= set(meta), path
        assert "topics" not in meta  # the build assigns topics; a topics key means a person's
        assert isinstance(meta["title"], str) and meta["title"]
        assert meta["date"] == dt.date(2024, 3, 11)
        assert meta["slug"] == path.stem
        assert meta["authors"] == []
        assert meta["source"] == "daily-papers.txt"
        assert meta["format"] == "text"  # a dump abstract is plain text, not Markdown
        for link in meta.get("links", []):
            assert set(link) == {"url", "kind"}
            assert link["url"].startswith("http")


def test_real_dump_links_in_front_matter(tmp_path: Path, real_dump: Path) -> None:
    config = make_site(tmp_path)
    run(real_dump, config)
    meta = meta_of(
        config.papers_dir / "make-a-voice-unified-voice-synthesis-with-discrete-representation.md"
    )
    assert meta["links"] == [{"url": "https://Make-A-Voice.github.io", "kind": "demo"}]


def test_ingested_files_load_cleanly(tmp_path: Path, real_dump: Path) -> None:
    config = make_site(tmp_path)
    run(real_dump, config)
    papers, warnings = load_papers(config)
    assert len(papers) == 51
    assert warnings == ()
    assert {p.format for p in papers} == {"text"}


def test_reingest_changes_no_byte(tmp_path: Path, real_dump: Path) -> None:
    config = make_site(tmp_path)
    run(real_dump, config)
    age(config.content_dir)
    before = snapshot(config.content_dir)
    report = run(real_dump, config)
    assert snapshot(config.content_dir) == before  # same bytes, same mtimes, no new files
    assert len(report.unchanged) == 51
    assert report.added == report.updated == []


def test_year_setting_in_site_yaml_dates_papers(tmp_path: Path) -> None:
    config = make_site(tmp_path, "year: 2022\n")
    ingest(write_dump(tmp_path, [("Paper A", ABS_A)]), config, today=TODAY)
    assert meta_of(config.papers_dir / "paper-a.md")["date"] == dt.date(2022, 3, 11)


# --- merging with what is on disk -------------------------------------------------------------


def test_hand_edited_file_is_kept(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("Paper B", ABS_B)])
    run(dump, config)
    path = config.papers_dir / "paper-a.md"
    edited = path.read_bytes().replace(b"It works well", b"It works REALLY well (my note)")
    path.write_bytes(edited)
    report = run(dump, config)
    assert path.read_bytes() == edited
    assert report.kept_edited == [rel(config, path)]
    # and a changed source abstract does not overwrite the edit either
    dump = write_dump(tmp_path, [("Paper A", ABS_A + " Now revised."), ("Paper B", ABS_B)])
    report = run(dump, config)
    assert path.read_bytes() == edited
    assert report.kept_edited == [rel(config, path)]


def test_hand_edited_topics_are_kept(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A)])
    run(dump, config)
    path = config.papers_dir / "paper-a.md"
    meta, _lines, body, _start = frontmatter.split(path.read_text(encoding="utf-8"), path)
    meta["topics"] = ["My own topic"]
    path.write_text(frontmatter.dump(meta, body), encoding="utf-8")
    run(dump, config)
    assert meta_of(path)["topics"] == ["My own topic"]


def test_deleted_file_is_not_recreated(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("Paper B", ABS_B)])
    run(dump, config)
    path = config.papers_dir / "paper-b.md"
    path.unlink()
    for _ in range(2):  # and not on the run after that either
        report = run(dump, config)
        assert not path.exists()
        assert report.kept_deleted == [rel(config, path)]
        assert report.added == []


def test_unedited_file_is_updated_when_the_source_changes(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    run(write_dump(tmp_path, [("Paper A", ABS_A), ("Paper B", ABS_B)]), config)
    path = config.papers_dir / "paper-a.md"
    report = run(
        write_dump(tmp_path, [("Paper A", "A revised abstract. Better."), ("Paper B", ABS_B)]),
        config,
    )
    assert report.updated == [rel(config, path)]
    assert path.read_text(encoding="utf-8").endswith("\n\nA revised abstract. Better.\n")
    # the updated file counts as ingest's own: a further change updates it again
    report = run(write_dump(tmp_path, [("Paper A", "Third version. Yes.")]), config)
    assert report.updated == [rel(config, path)]
    assert "Third version" in path.read_text(encoding="utf-8")


def test_second_dump_adds_papers_and_leaves_the_others(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    run(write_dump(tmp_path, [("Paper A", ABS_A)]), config)
    first = (config.papers_dir / "paper-a.md").read_bytes()
    report = run(write_dump(tmp_path, [("Paper C", ABS_C)], date="Mar 12"), config)
    assert report.added == ["content/papers/paper-c.md"]
    assert (config.papers_dir / "paper-a.md").read_bytes() == first
    assert meta_of(config.papers_dir / "paper-c.md")["date"] == dt.date(2024, 3, 12)


def test_lost_state_treats_identical_files_as_unchanged(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("Paper B", ABS_B)])
    run(dump, config)
    state = config.content_dir / ".ingest-state.json"
    state.unlink()
    age(config.papers_dir)
    before = snapshot(config.papers_dir)
    report = run(dump, config)
    assert snapshot(config.papers_dir) == before
    assert len(report.unchanged) == 2
    assert state.is_file()


def test_damaged_state_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    run(write_dump(tmp_path, [("Paper A", ABS_A)]), config)
    (config.content_dir / ".ingest-state.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ContentError, match="ingest state"):
        run(write_dump(tmp_path, [("Paper A", ABS_A), ("Paper C", ABS_C)]), config)
    assert not (config.papers_dir / "paper-c.md").exists()


# --- duplicates and slug collisions -----------------------------------------------------------


def test_exact_duplicate_in_one_dump_is_one_file(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("Paper B", ABS_B), ("Paper A", ABS_A)])
    report = run(dump, config)
    assert [p.name for p in paper_files(config)] == ["paper-a.md", "paper-b.md"]
    assert len(report.duplicates) == 1
    # names the duplicate's line (15) and the first one's (7)
    assert str(report.duplicates[0]).startswith(f"{dump}:15: duplicate of the paper on line 7")
    assert report.duplicates[0].severity == "note"  # not a warning: --strict lets it through


def test_duplicate_differing_only_in_case_and_spacing(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("paper  a", ABS_A.replace(" ", "  "))])
    report = run(dump, config)
    assert [p.name for p in paper_files(config)] == ["paper-a.md"]
    assert len(report.duplicates) == 1


def test_same_title_different_abstract_gives_two_files(tmp_path: Path) -> None:
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("Paper A", ABS_C)])
    results = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        config = make_site(tmp_path / name)
        report = run(dump, config)
        files = {p.name: p.read_text(encoding="utf-8") for p in paper_files(config)}
        results.append(files)
        assert sorted(files) == ["paper-a-2.md", "paper-a.md"]
        assert ABS_A in files["paper-a.md"] and ABS_C in files["paper-a-2.md"]
        assert meta_of(config.papers_dir / "paper-a-2.md")["slug"] == "paper-a-2"
        assert [w.line for w in report.warnings] == [11]
        assert "same title" in str(report.warnings[0])
    assert results[0] == results[1]  # deterministic


def test_same_title_pair_is_stable_across_reingest(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("Paper A", ABS_C)])
    run(dump, config)
    age(config.content_dir)
    before = snapshot(config.content_dir)
    report = run(dump, config)
    assert snapshot(config.content_dir) == before
    assert len(report.unchanged) == 2


def test_hand_made_file_on_the_slug_is_left_alone(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    config.papers_dir.mkdir(parents=True)
    mine = config.papers_dir / "paper-a.md"
    mine_bytes = b"---\ntitle: My own notes\ndate: 2024-01-01\n---\n\nHand written.\n"
    mine.write_bytes(mine_bytes)
    report = run(write_dump(tmp_path, [("Paper A", ABS_A)]), config)
    assert mine.read_bytes() == mine_bytes
    assert report.added == ["content/papers/paper-a-2.md"]
    assert meta_of(config.papers_dir / "paper-a-2.md")["title"] == "Paper A"
    assert len(report.renamed) == 1 and "paper-a-2" in str(report.renamed[0])
    # re-ingest: still the suffixed file, still no change to the hand-made one
    report = run(write_dump(tmp_path, [("Paper A", ABS_A)]), config)
    assert report.unchanged == ["content/papers/paper-a-2.md"]
    assert mine.read_bytes() == mine_bytes


def test_different_titles_with_the_same_slug(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    run(write_dump(tmp_path, [("Paper: A!", ABS_A), ("Paper A", ABS_C)]), config)
    assert meta_of(config.papers_dir / "paper-a.md")["title"] == "Paper: A!"
    assert meta_of(config.papers_dir / "paper-a-2.md")["title"] == "Paper A"


# --- hostile input and errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", "<script>alert(1)</script>", "/abs/path", "CON", "🎵🎶", "..\\..\\x"],
)
def test_hostile_title_stays_inside_content_papers(tmp_path: Path, title: str) -> None:
    config = make_site(tmp_path)
    report = run(write_dump(tmp_path, [(title, ABS_A)]), config)
    files = paper_files(config)
    assert len(files) == 1
    assert files[0].resolve().parent == config.papers_dir.resolve()
    assert meta_of(files[0])["title"] == title  # kept as data, escaped when rendered
    every_file = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert every_file == {
        tmp_path / "dump.txt",
        files[0],
        config.content_dir / ".ingest-state.json",
    }
    assert report.added == [rel(config, files[0])]


def test_parse_error_writes_nothing(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = tmp_path / "dump.txt"
    dump.write_bytes(b"Mar 11\n\nPaper A\n\n" + ABS_A.encode() + b"\n\nPaper B\n\nbad \xff byte\n")
    with pytest.raises(ContentError) as info:
        run(dump, config)
    assert info.value.line == 9
    assert not config.content_dir.exists()


def test_empty_dump_writes_nothing(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = tmp_path / "dump.txt"
    dump.write_text("", encoding="utf-8")
    with pytest.raises(ContentError):
        run(dump, config)
    assert not config.content_dir.exists()


# --- many formats: one paper, one file ---------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"


def test_one_paper_from_three_formats_is_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)  # files inside where the user ran are named relative to it
    config = make_site(tmp_path)
    sources = [FIXTURES / n for n in ("arxiv.atom", "hf_daily.json", "refs.bib")]
    report = ingest(sources, config, today=TODAY)
    matches = [f for f in paper_files(config) if f.name.startswith("score-matching")]
    assert len(matches) == 1
    meta = meta_of(matches[0])
    assert meta["arxiv"] == "2403.01234"
    assert meta["doi"] == "10.1000/jmlr.2024.77"
    assert meta["keywords"] == ["score matching", "manifolds"]  # filled from the BibTeX entry
    assert meta["source"] == "arxiv.atom"  # the first source keeps title, date, abstract
    assert [str(d) for d in report.duplicates] == [
        "hf_daily.json: $[1].paper: same paper as arxiv.atom:10 (matched by arXiv id 2403.01234); "
        "merged",
        "refs.bib:3: same paper as arxiv.atom:10 (matched by arXiv id 2403.01234); merged",
    ]


def test_bibtex_after_the_preprint_merges_into_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    config = make_site(tmp_path)
    ingest(FIXTURES / "arxiv.atom", config, today=TODAY)
    path = config.papers_dir / "score-matching-on-riemannian-manifolds-with-mathcal-o-n-cost.md"
    assert "keywords" not in meta_of(path)
    report = ingest(FIXTURES / "refs.bib", config, today=TODAY)
    assert report.updated == [rel(config, path)]
    assert [str(d) for d in report.duplicates] == [
        f"refs.bib:3: same paper as {rel(config, path)} (from arxiv.atom); merged"
    ]
    meta = meta_of(path)
    assert meta["keywords"] == ["score matching", "manifolds"]
    assert meta["title"] == r"Score Matching on Riemannian Manifolds with $\mathcal{O}(n)$ Cost"
    assert len([f for f in paper_files(config) if f.name.startswith("score-matching")]) == 1
    # both again: no byte changes
    age(config.content_dir)
    before = snapshot(config.content_dir)
    ingest([FIXTURES / "arxiv.atom", FIXTURES / "refs.bib"], config, today=TODAY)
    assert snapshot(config.content_dir) == before


def test_hand_edited_file_is_not_merged_into(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    ingest(FIXTURES / "arxiv.atom", config, today=TODAY)
    path = config.papers_dir / "score-matching-on-riemannian-manifolds-with-mathcal-o-n-cost.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMy note.\n", encoding="utf-8")
    edited = path.read_bytes()
    report = ingest(FIXTURES / "refs.bib", config, today=TODAY)
    assert report.kept_edited == [rel(config, path)]
    assert path.read_bytes() == edited


def test_machine_topics_are_dropped_hand_topics_kept(tmp_path: Path) -> None:
    """Files written by an older ingest carry its topics; untouched ones lose them."""
    config = make_site(tmp_path)
    run(write_dump(tmp_path, [("Paper A", ABS_A), ("Paper B", ABS_B)]), config)
    state_path = config.content_dir / ".ingest-state.json"
    import hashlib
    import json

    state = json.loads(state_path.read_text(encoding="utf-8"))
    for name, topics in (("paper-a", ["Machine topic"]), ("paper-b", ["Hand topic"])):
        p = config.papers_dir / f"{name}.md"
        text = p.read_text(encoding="utf-8").replace(
            "authors: []\n", "authors: []\ntopics:\n  - " + topics[0] + "\n"
        )
        p.write_text(text, encoding="utf-8")
        if name == "paper-a":  # as an old ingest wrote it: the state knows these bytes
            key = next(k for k, v in state["papers"].items() if v["slug"] == name)
            state["papers"][key]["sha256"] = hashlib.sha256(p.read_bytes()).hexdigest()
    state_path.write_text(json.dumps(state), encoding="utf-8")
    report = run(write_dump(tmp_path, [("Paper A", ABS_A), ("Paper B", ABS_B)]), config)
    assert report.updated == ["content/papers/paper-a.md"]
    assert "topics" not in meta_of(config.papers_dir / "paper-a.md")
    assert meta_of(config.papers_dir / "paper-b.md")["topics"] == ["Hand topic"]


def test_error_in_any_file_writes_nothing(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{x,\n title={Open\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        ingest([FIXTURES / "arxiv.atom", broken], config, today=TODAY)
    assert str(info.value).startswith(f"{broken}:1: not valid BibTeX")
    assert not config.content_dir.exists()


def test_new_keys_written_and_loaded(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    ingest([FIXTURES / "openreview_v2.json", FIXTURES / "zotero.json"], config, today=TODAY)
    papers, warnings = load_papers(config)
    by_title = {p.title: p for p in papers}
    sparse = by_title["Sparse Attention Is All You Need Sometimes"]
    assert sparse.openreview == "aBcD3fGh1j"
    assert sparse.venue == "ICLR 2024 poster"
    assert sparse.keywords == ("sparse attention", "transformers")
    gnn = by_title["Graph Neural Networks for Molecules"]
    assert gnn.doi == "10.1038/s42256-023-00001-x"
    assert gnn.authors == ("Antonín Dvořák", "OpenCatalyst Consortium")
    assert not gnn.topics_from_file  # topics come from the build, not the file
    book = by_title["A Book With No Abstract"]
    assert book.abstract == ""  # no abstract, still a page
    assert all("no abstract" in w.message for w in warnings)


def test_snapshot_limit_stops_reading(tmp_path: Path) -> None:
    """The stream stops at --limit: lines past it are never parsed (here they are not JSON),
    which is what keeps a 1 GB snapshot in bounded memory."""
    config = make_site(tmp_path)
    snap = tmp_path / "snap.jsonl"
    good = (FIXTURES / "arxiv-snapshot.jsonl").read_text(encoding="utf-8")
    snap.write_text(good + "this is not json\n" * 1000, encoding="utf-8")
    report = ingest(snap, config, today=TODAY, category=["cs"], limit=3)
    assert len(report.added) == 3
    with pytest.raises(ContentError, match=r"snap.jsonl:5:\d+: not valid JSON"):
        ingest(snap, config, today=TODAY)


def test_snapshot_memory_does_not_grow_with_skipped_lines(tmp_path: Path) -> None:
    """Filtered-out lines cost no memory: peak allocation reading 20,000 lines that the
    --category filter drops stays under 2 MB (it would be ~20 MB if the file were held)."""
    import json
    import tracemalloc

    from site_builder.sources import Options
    from site_builder.sources.arxiv_snapshot import parse

    line = json.dumps(
        {"id": "2401.00001", "title": "T" * 200, "abstract": "A" * 800, "categories": "hep-th"}
    )
    snap = tmp_path / "big.jsonl"
    snap.write_text((line + "\n") * 20_000, encoding="utf-8")
    tracemalloc.start()
    result = parse(snap, Options(year=2024, today=TODAY, category=("cs.LG",)))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.records == ()
    assert snap.stat().st_size > 20_000_000
    assert peak < 2_000_000


def test_strict_stops_on_a_warning_before_writing_anything(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("Paper A", ABS_C)])  # warns: same title
    with pytest.raises(ContentError) as caught:
        ingest(dump, config, year=2024, today=TODAY, strict=True)
    assert str(caught.value) == (
        f"{dump}:11: same title as the paper on line 7 but a different abstract; kept both"
    )
    assert not config.content_dir.exists()


def test_strict_lets_a_merge_through(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    dump = write_dump(tmp_path, [("Paper A", ABS_A), ("Paper A", ABS_A)])  # a note, no warning
    report = ingest(dump, config, year=2024, today=TODAY, strict=True)
    assert len(report.added) == 1 and len(report.duplicates) == 1


def test_every_bad_source_is_reported_in_one_run(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    bad_json = tmp_path / "a.json"
    bad_json.write_text('[{"paper": {"title": "x"}},\n', encoding="utf-8")
    empty = tmp_path / "b.txt"
    empty.write_text("", encoding="utf-8")
    good = write_dump(tmp_path, [("Paper A", ABS_A)])
    with pytest.raises(ErrorList) as caught:
        ingest([bad_json, good, empty], config, year=2024, today=TODAY)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{bad_json}:2:1: not valid JSON: Expecting value",
        f"{empty}: the file is empty",
    ]
    assert not config.content_dir.exists()


def _ingest_jsonl_in_a_new_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[dict[str, object]]
) -> tuple[Path, Path, str]:
    """Run `site-builder new` and `ingest -q` on ``rows`` as JSON Lines, as a user would:
    the site, the dump and what ingest printed on standard error."""
    import json

    from site_builder.cli import main

    site = tmp_path / "site"
    assert main(["new", str(site)]) == 0
    dump = tmp_path / "dump.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    capsys.readouterr()
    assert main(["--site", str(site), "ingest", "-q", str(dump)]) == 0
    return site, dump, capsys.readouterr().err


def test_many_alike_warnings_are_summed_up_after_the_first_few(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[dict[str, object]] = [
        {"id": i, "title": f"Paper number {i}", "abstract": "Text. " * 40} for i in range(12)
    ]
    site, dump, err = _ingest_jsonl_in_a_new_site(tmp_path, capsys, rows)
    warnings = [line for line in err.splitlines() if "no date" in line]
    assert len(warnings) == 4, warnings
    assert warnings[0].startswith(f"warning: {dump}:1: no date")
    assert warnings[3] == (
        f"warning: {dump}: 9 more like this: no date; dated {dt.date.today().isoformat()} "
        "(lines 4-12)"
    )
    assert len(list((site / "content").rglob("paper-number-*.md"))) == 12


def test_an_undated_record_with_an_arxiv_id_is_dated_by_the_ids_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: list[dict[str, object]] = [
        {"id": "2608.17848", "title": "Mobility for geospatial models", "abstract": "A. " * 50},
        {"id": "hep-th/9901001", "title": "Strings in old ids", "abstract": "B. " * 50},
        {"id": "17", "title": "A row whose id is no arXiv id", "abstract": "C. " * 50},
        {"id": "2403.01234v2", "title": "A versioned id", "abstract": "D. " * 50},
        {"id": "paper-2403.01234", "title": "An id that only holds one", "abstract": "E. " * 50},
    ]
    site, dump, err = _ingest_jsonl_in_a_new_site(tmp_path, capsys, rows)
    assert f"{dump}:1: no date; dated 2026-08-01, the month of its arXiv id" in err
    assert f"{dump}:2: no date; dated 1999-01-01, the month of its arXiv id" in err
    assert f"{dump}:3: no date; dated {dt.date.today().isoformat()}" in err
    papers, _ = load_papers(load_config(site))
    by_title = {p.title: p for p in papers}
    first = by_title["Mobility for geospatial models"]
    assert first.date == dt.date(2026, 8, 1)
    assert first.arxiv == "2608.17848"
    assert by_title["A row whose id is no arXiv id"].arxiv is None
    assert by_title["A versioned id"].arxiv == "2403.01234"
    assert by_title["A versioned id"].date == dt.date(2024, 3, 1)
    assert by_title["An id that only holds one"].arxiv is None
