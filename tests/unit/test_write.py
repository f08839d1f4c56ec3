"""write.py: a built site goes into a staging folder and is swapped in whole, or not at all."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.errors import ConfigError, SiteError
from site_builder.plan import check_collisions
from site_builder.write import (
    MARKER,
    Assets,
    Patch,
    Staging,
    collect_assets,
    remove_leftovers,
)

NO_ASSETS = Assets(files=(), urls={})


def write_site(
    output: Path,
    pages,
    assets: Assets,
    *,
    reuse: bool = False,
    keep: tuple[str, ...] = (),
):
    """What a build does with its files: stream them into a staging folder, then swap."""
    staging = Staging(output, reuse=reuse, build_id="test")
    try:
        for static in assets.files:
            staging.copy(static.source, static.out)
        for rel, data in pages:
            staging.write(rel, data)
        if reuse:
            staging.prune({rel for rel, _ in pages} | {f.out for f in assets.files} | set(keep))
        staging.finish()
    except BaseException:
        staging.abort()
        raise
    return staging.files


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder, hidden ones too, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def siblings(output: Path) -> list[str]:
    """What sits beside output/ (staging or old folders left behind would show up here)."""
    return sorted(p.name for p in output.parent.iterdir())


def write_file(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


PAGES = [("index.html", b"<h1>home</h1>"), ("papers/x/index.html", b"<h1>x</h1>")]


@pytest.fixture
def output(tmp_path: Path) -> Path:
    (tmp_path / "site").mkdir()
    return tmp_path / "site" / "output"


# --- writing ----------------------------------------------------------------------------------


def test_writes_pages_nojekyll_and_marker(output: Path) -> None:
    count = write_site(output, PAGES, NO_ASSETS)
    files = tree(output)
    assert files["index.html"] == b"<h1>home</h1>"
    assert files["papers/x/index.html"] == b"<h1>x</h1>"
    assert files[".nojekyll"] == b""
    assert MARKER in files
    assert count == 2
    assert siblings(output) == ["output"]


def test_rebuild_replaces_everything_and_drops_stale_pages(output: Path) -> None:
    write_site(output, PAGES, NO_ASSETS)
    write_site(output, [("index.html", b"new home")], NO_ASSETS)
    assert set(tree(output)) == {"index.html", ".nojekyll", MARKER}
    assert (output / "index.html").read_bytes() == b"new home"
    assert siblings(output) == ["output"]


def test_existing_empty_output_folder_is_fine(output: Path) -> None:
    output.mkdir()
    write_site(output, PAGES, NO_ASSETS)
    assert (output / "index.html").is_file()


def test_output_is_readable_by_a_web_server(output: Path) -> None:
    write_site(output, PAGES, NO_ASSETS)
    assert output.stat().st_mode & 0o755 == 0o755


# --- atomic swap ------------------------------------------------------------------------------


def failing_pages() -> Iterator[tuple[str, bytes]]:
    yield "index.html", b"half-built home"
    yield "papers/new/index.html", b"half-built paper"
    raise SiteError("template exploded")


def test_failure_midway_leaves_previous_output_untouched(output: Path) -> None:
    write_site(output, PAGES, NO_ASSETS)
    before = tree(output)
    with pytest.raises(SiteError, match="template exploded"):
        write_site(output, failing_pages(), NO_ASSETS)
    assert tree(output) == before
    assert siblings(output) == ["output"]  # no staging folder left behind


def test_failure_on_first_build_leaves_no_output(output: Path) -> None:
    with pytest.raises(SiteError):
        write_site(output, failing_pages(), NO_ASSETS)
    assert siblings(output) == []


def test_keyboard_interrupt_midway_leaves_no_staging(output: Path) -> None:
    write_site(output, PAGES, NO_ASSETS)
    before = tree(output)

    def interrupted() -> Iterator[tuple[str, bytes]]:
        yield "index.html", b"x"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_site(output, interrupted(), NO_ASSETS)
    assert tree(output) == before
    assert siblings(output) == ["output"]


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/passwd", "a/../../escape.html"])
def test_page_outside_the_output_is_refused(output: Path, rel: str) -> None:
    write_site(output, PAGES, NO_ASSETS)
    before = tree(output)
    with pytest.raises((SiteError, ValueError)):
        write_site(output, [("index.html", b"x"), (rel, b"evil")], NO_ASSETS)
    assert tree(output) == before
    assert not (output.parent / "escape.html").exists()
    assert siblings(output) == ["output"]


def test_page_and_static_file_on_the_same_path_is_refused_before_writing() -> None:
    from site_builder.routes import Route

    routes = [Route("", "index.html", "home"), Route("papers/x/", "papers/x/index.html", "paper")]
    with pytest.raises(SiteError, match=r"two outputs want index\.html"):
        check_collisions(routes, ["index.html"])
    check_collisions(routes, ["static/style.css"])  # no clash: fine


# --- incremental writes and leftovers -----------------------------------------------------------


def test_reused_output_changes_only_what_was_rewritten_and_never_writes_through(
    output: Path,
) -> None:
    write_site(output, PAGES, NO_ASSETS)
    old_inode = (output / "papers/x/index.html").stat().st_ino
    kept = output / "index.html"
    held = kept.read_bytes()
    write_site(output, [("index.html", b"<h1>new</h1>")], NO_ASSETS, reuse=True,
               keep=("papers/x/index.html",))  # fmt: skip
    assert (output / "index.html").read_bytes() == b"<h1>new</h1>"
    assert (output / "papers/x/index.html").stat().st_ino == old_inode  # carried over, a link
    assert held == b"<h1>home</h1>"
    write_site(output, [("index.html", b"<h1>new</h1>")], NO_ASSETS, reuse=True)
    assert sorted(tree(output)) == [".nojekyll", MARKER, "index.html"]  # stale page gone
    assert siblings(output) == ["output"]


def test_a_killed_build_leaves_folders_the_next_build_removes(output: Path) -> None:
    write_site(output, PAGES, NO_ASSETS)
    before = tree(output)
    dead = output.parent / ".output.building-999999999-abc"  # no such process
    (dead / "papers").mkdir(parents=True)
    (output.parent / ".output.old-abc").mkdir()  # an older site-builder's name
    import os

    mine = output.parent / f".output.building-{os.getppid()}-x"  # a live process: kept
    mine.mkdir()
    removed = remove_leftovers(output)
    assert sorted(p.name for p in removed) == [".output.building-999999999-abc", ".output.old-abc"]
    assert mine.exists() and tree(output) == before
    mine.rmdir()
    write_site(output, PAGES, NO_ASSETS)
    assert siblings(output) == ["output"]


# --- refusing to replace what is not ours -----------------------------------------------------


def test_refuses_to_replace_a_folder_it_did_not_write(output: Path) -> None:
    write_file(output / "thesis.tex", "my only copy")
    with pytest.raises(ConfigError, match="did not write"):
        write_site(output, PAGES, NO_ASSETS)
    assert tree(output) == {"thesis.tex": b"my only copy"}
    assert siblings(output) == ["output"]


def test_refuses_when_output_is_a_file(output: Path) -> None:
    write_file(output, "a file")
    with pytest.raises(ConfigError):
        write_site(output, PAGES, NO_ASSETS)
    assert output.read_text(encoding="utf-8") == "a file"


# --- static files and fingerprints ------------------------------------------------------------


def make_theme(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        write_file(root / "static" / name, text)
    return root


def test_css_and_js_names_are_fingerprinted(tmp_path: Path) -> None:
    theme = make_theme(
        tmp_path / "theme", {"style.css": "body{}", "app.js": "1", "logo.svg": "<svg/>"}
    )
    assets = collect_assets([theme], tmp_path / "no-static")
    css, js = assets.urls["style.css"], assets.urls["app.js"]
    assert css.startswith("static/style.") and css.endswith(".css") and css != "static/style.css"
    assert js.startswith("static/app.") and js.endswith(".js") and js != "static/app.js"
    assert assets.urls["logo.svg"] == "static/logo.svg"


def test_fingerprint_changes_when_the_css_changes(tmp_path: Path) -> None:
    theme = make_theme(tmp_path / "theme", {"style.css": "body{color:black}"})
    first = collect_assets([theme], tmp_path / "none").urls["style.css"]
    assert collect_assets([theme], tmp_path / "none").urls["style.css"] == first  # stable
    write_file(theme / "static" / "style.css", "body{color:navy}")
    second = collect_assets([theme], tmp_path / "none").urls["style.css"]
    assert second != first


def test_first_theme_folder_wins_and_site_static_goes_to_the_root(
    tmp_path: Path, output: Path
) -> None:
    mine = make_theme(tmp_path / "mine", {"style.css": "mine"})
    default = make_theme(tmp_path / "default", {"style.css": "default", "extra.css": "extra"})
    site_static = tmp_path / "static"
    write_file(site_static / "CNAME", "papers.example.org")
    write_file(site_static / "img" / "lab.png", b"\x89PNG")
    write_file(site_static / ".DS_Store", b"junk")
    assets = collect_assets([mine, default], site_static)
    write_site(output, PAGES, assets)
    files = tree(output)
    assert files[assets.urls["style.css"]] == b"mine"
    assert files[assets.urls["extra.css"]] == b"extra"
    assert files["CNAME"] == b"papers.example.org"
    assert files["img/lab.png"] == b"\x89PNG"
    assert ".DS_Store" not in files


# --- Patch: a small rebuild in place ------------------------------------------------------


def test_a_patch_replaces_only_its_files_and_never_writes_through_a_link(output: Path) -> None:
    write_site(output, [("index.html", b"home"), ("papers/a/index.html", b"a")], NO_ASSETS)
    elsewhere = output.parent / "kept-link"
    elsewhere.hardlink_to(output / "index.html")  # as the last build's copy would be
    patch = Patch(output, build_id="second")
    patch.write("index.html", b"new home")
    patch.write("papers/b/index.html", b"b")
    assert (output / "index.html").read_bytes() == b"home"  # nothing before commit
    patch.commit(gone=["papers/a/index.html"])
    assert (output / "index.html").read_bytes() == b"new home"
    assert (output / "papers" / "b" / "index.html").read_bytes() == b"b"
    assert not (output / "papers" / "a").exists()  # the emptied folder went too
    assert elsewhere.read_bytes() == b"home"  # the old file, linked elsewhere, is intact
    assert "build second" in (output / MARKER).read_text()
    assert not [p for p in output.rglob("*") if ".tmp" in p.name]


def test_a_patch_that_fails_before_commit_changes_nothing(output: Path) -> None:
    write_site(output, [("index.html", b"home")], NO_ASSETS)
    before = (output / MARKER).read_text()
    patch = Patch(output, build_id="second")
    patch.write("index.html", b"new home")
    with pytest.raises(SiteError):
        patch.write("../outside.html", b"x")
    patch.abort()
    assert (output / "index.html").read_bytes() == b"home"
    assert (output / MARKER).read_text() == before


def test_a_patch_killed_midway_leaves_an_output_no_build_trusts(output: Path) -> None:
    from site_builder.write import output_build_id

    write_site(output, [("index.html", b"home")], NO_ASSETS)
    patch = Patch(output, build_id="second")
    patch.write("index.html", b"new home")

    def die(_folder: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        patch.commit(finalize=die)
    assert output_build_id(output) not in ("test", "second")  # the next build renders all


def _worker_writes(patch: Patch, rel: str, data: bytes) -> None:
    patch.write(rel, data)


def test_files_a_forked_worker_writes_go_in_with_the_patch(output: Path) -> None:
    import multiprocessing

    write_site(output, [("index.html", b"home"), ("papers/a/index.html", b"a")], NO_ASSETS)
    patch = Patch(output, build_id="second")
    child = multiprocessing.get_context("fork").Process(
        target=_worker_writes, args=(patch, "papers/a/index.html", b"a, from a worker")
    )
    child.start()
    child.join()
    assert child.exitcode == 0
    assert (output / "papers" / "a" / "index.html").read_bytes() == b"a"  # not before commit
    patch.adopt(["papers/a/index.html"])
    patch.commit()
    assert (output / "papers" / "a" / "index.html").read_bytes() == b"a, from a worker"
    assert "build second" in (output / MARKER).read_text()
    assert not [p for p in output.rglob("*") if ".tmp" in p.name]


def test_an_aborted_patch_leaves_no_temporary_file_even_a_workers(output: Path) -> None:
    import multiprocessing

    write_site(output, [("index.html", b"home")], NO_ASSETS)
    before = sorted(p.relative_to(output).as_posix() for p in output.rglob("*"))
    marker = (output / MARKER).read_text()
    patch = Patch(output, build_id="second")
    assert "build second" not in (output / MARKER).read_text()  # while it runs: no build
    patch.write("index.html", b"new home")
    child = multiprocessing.get_context("fork").Process(
        target=_worker_writes, args=(patch, "papers/b/index.html", b"b")
    )
    child.start()
    child.join()  # written, never adopted: the build failed before the worker reported
    patch.abort()
    assert sorted(p.relative_to(output).as_posix() for p in output.rglob("*")) == before
    assert (output / "index.html").read_bytes() == b"home"
    assert (output / MARKER).read_text() == marker


def test_a_rebuild_patches_in_place_up_to_half_the_site() -> None:
    from site_builder.write import PATCH_LIMIT, patch_pays

    assert patch_pays(PATCH_LIMIT, 10)  # small rebuilds always
    assert patch_pays(2_500, 25_000)  # a taxonomy edit that moves a few hundred papers
    assert not patch_pays(20_000, 25_000)  # a template edit: stage a fresh copy


def test_a_cancelled_staging_is_removed_in_the_background(tmp_path: Path) -> None:
    output = tmp_path / "output"
    write_site(output, [("index.html", b"home")], NO_ASSETS)
    staging = Staging(output, reuse=True, build_id="test")
    staging.write("index.html", b"half")
    staging.abort(background=True)
    deadline = time.monotonic() + 10
    while staging.path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not staging.path.exists()
    assert (output / "index.html").read_bytes() == b"home"
