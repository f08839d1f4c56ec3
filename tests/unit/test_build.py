"""build.py: what a rebuild trusts (stats, the stamp), serve's preview, cancelling a build."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from site_builder.build import Builder, build, killable
from site_builder.config import load_config
from site_builder.errors import SiteError

PAPER = """---
title: {title}
date: 2024-03-0{day}
authors:
  - Ada Abe
---

{abstract}
"""


def make_site(root: Path, n: int = 4) -> Path:
    site = root / "site"
    (site / "content" / "papers").mkdir(parents=True)
    (site / "site.yaml").write_text("title: T\nbase_url: https://u.github.io/repo/\n")
    for i in range(n):
        write(site, f"p{i}", f"Paper {i}", f"Robots learn policy number {i} from diffusion.", i + 1)
    return site


def write(site: Path, slug: str, title: str, abstract: str, day: int) -> Path:
    path = site / "content" / "papers" / f"{slug}.md"
    path.write_text(PAPER.format(title=title, day=day, abstract=abstract))
    return path


def backdate(folder: Path, seconds: float = 60) -> None:
    """As if the files were saved a while ago (their stats can then be trusted)."""
    then = time.time_ns() - int(seconds * 1e9)
    for p in folder.rglob("*"):
        os.utime(p, ns=(then, then))


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def cfg(site: Path, out: Path):
    return load_config(site, {"output_dir": str(out), "search": False})


def test_a_same_size_edit_in_the_same_clock_tick_is_still_seen(tmp_path: Path) -> None:
    """The stat of a file saved just before a build is not trusted: a second save with the
    same size and the same mtime (coarse clocks) is read."""
    site = make_site(tmp_path)
    out = tmp_path / "out"
    path = site / "content" / "papers" / "p1.md"
    build(cfg(site, out))
    st = path.stat()
    path.write_text(path.read_text().replace("number 1", "numbre 1"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size
    build(cfg(site, out))
    assert "numbre 1" in (out / "papers" / "p1" / "index.html").read_text()


def test_after_a_trusted_no_op_an_edit_is_seen(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "out"
    build(cfg(site, out))
    backdate(site)
    build(cfg(site, out))  # reads every file once more, now trusting their stats
    noop = build(cfg(site, out))
    assert (noop.files, noop.rendered, noop.papers) == (0, 0, 4)
    assert set(noop.timings) == {"stamp"}  # decided on stats alone: no file was read
    write(site, "p2", "Paper 2", "A changed abstract.", 3)
    again = build(cfg(site, out))
    assert "A changed abstract." in (out / "papers" / "p2" / "index.html").read_text()
    assert 0 < again.rendered < again.pages


def test_a_no_op_keeps_the_warnings_and_strict_still_fails_on_them(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    (site / "authors.yaml").write_text(  # matches nobody
        "merge:\n  - name: No Body\n    variants: [Nobody Here]\n"
    )
    out = tmp_path / "out"
    first = build(cfg(site, out))
    assert first.warnings
    backdate(site)
    build(cfg(site, out))
    noop = build(cfg(site, out))
    assert noop.files == 0 and [str(w) for w in noop.warnings] == [str(w) for w in first.warnings]
    with pytest.raises(SiteError):
        build(cfg(site, out), strict=True)


def test_serve_preview_renders_the_edited_page_then_the_build_converges(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out, cold = tmp_path / "out", tmp_path / "cold"
    builder = Builder(site, use_cache=False)  # as serve keeps it
    builder.build(cfg(site, out))
    before = tree(out)
    path = write(site, "p1", "Paper 1", "Robots learn a brand new policy.", 2)
    quick = builder.preview(cfg(site, out), [path])
    assert quick is not None and quick.rendered == 1 and "related papers" in quick.pending
    now = tree(out)
    assert "brand new policy" in now["papers/p1/index.html"].decode()
    assert [k for k in now if now[k] != before.get(k)] == ["papers/p1/index.html"]
    builder.build(cfg(site, out))  # serve's follow-up
    build(cfg(site, cold), use_cache=False)
    assert tree(out) == tree(cold)


def test_serve_preview_declines_an_edit_that_moves_the_paper(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "out"
    builder = Builder(site, use_cache=False)
    builder.build(cfg(site, out))
    before = tree(out)
    moved = write(site, "p1", "Paper 1", "Same words.", 9)  # a new date: listings reorder
    assert builder.preview(cfg(site, out), [moved]) is None
    broken = site / "content" / "papers" / "p2.md"
    broken.write_text("---\ntitle: [x\n---\n")
    assert builder.preview(cfg(site, out), [broken]) is None  # the full build reports it
    assert builder.preview(cfg(site, out), [site / "site.yaml"]) is None
    assert tree(out) == before


def test_a_cancelled_build_leaves_output_and_state_as_they_were(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out = tmp_path / "out"
    builder = Builder(site, use_cache=False)
    builder.build(cfg(site, out))
    before, state = tree(out), builder.state
    write(site, "p0", "Paper 0", "Something else entirely.", 1)
    calls = 0

    class NewerError(Exception):
        pass

    def cancel() -> None:
        nonlocal calls
        calls += 1
        if calls > 3:
            raise NewerError

    with pytest.raises(NewerError):
        builder.build(cfg(site, out), cancel=cancel)
    assert tree(out) == before and builder.state is state
    builder.build(cfg(site, out))
    assert "Something else entirely." in (out / "papers" / "p0" / "index.html").read_text()


class StopError(Exception):
    pass


def test_killable_stops_a_long_step_at_once_and_kills_its_process(tmp_path: Path) -> None:
    flag = tmp_path / "finished"
    asked = time.monotonic()

    def slow() -> None:
        time.sleep(30)
        flag.write_text("x")

    def cancel() -> None:
        if time.monotonic() - asked > 0.2:
            raise StopError

    started = time.monotonic()
    with pytest.raises(StopError):
        killable(slow, cancel)
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert not flag.exists()


def test_killable_returns_the_result_or_reports_the_failure() -> None:
    assert killable(lambda: {"a": (1, 2)}, lambda: None) == {"a": (1, 2)}
    assert killable(lambda: 3, None) == 3  # no cancel: in this process

    def fails() -> None:
        raise ValueError("bad input")

    with pytest.raises(SiteError, match="bad input"):
        killable(fails, lambda: None)


def test_the_search_index_of_a_patched_rebuild_equals_a_cold_one(tmp_path: Path) -> None:
    site = make_site(tmp_path, n=6)
    out, cold = tmp_path / "out", tmp_path / "cold"
    config = load_config(site, {"output_dir": str(out)})
    build(config)
    write(site, "p3", "Paper 3", "Searchable words: zebrafish kinematics.", 4)
    report = build(config)
    assert 0 < report.rendered < report.pages  # a patch, not a staged copy
    build(load_config(site, {"output_dir": str(cold)}), use_cache=False)
    assert tree(out / "search-index") == tree(cold / "search-index")
    assert not [p for p in out.iterdir() if p.name.startswith(".search-")]
    shutil.rmtree(cold)


def test_a_site_whose_content_folder_is_the_site_folder_still_has_fast_no_ops(
    tmp_path: Path,
) -> None:
    """The build cache is no input, even inside the content folder."""
    site = make_site(tmp_path)
    (site / "site.yaml").write_text(
        "title: T\nbase_url: https://u.github.io/repo/\ncontent_dir: .\n"
    )
    shutil.move(site / "content" / "papers", site / "papers")
    out = tmp_path / "out"  # output_dir may not be inside content_dir
    build(cfg(site, out))
    backdate(site)
    build(cfg(site, out))
    noop = build(cfg(site, out))
    assert noop.files == 0 and set(noop.timings) == {"stamp"}
