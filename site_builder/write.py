"""Write a built site: everything into a staging folder beside output/, then swap it in.

A build that fails before the swap leaves the previous output/ exactly as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import rcssmin

from . import urls
from .errors import ConfigError, SiteError

MARKER = ".site-builder-output"  # says "this folder is ours to replace"
FINGERPRINTED = (".css", ".js")


@dataclass(frozen=True)
class StaticFile:
    source: Path
    out: str  # path inside output/
    data: bytes | None = None  # what to write instead of copying source (minified CSS)


@dataclass(frozen=True)
class Assets:
    files: tuple[StaticFile, ...]
    urls: dict[str, str]  # theme static name ('style.css') -> path inside output/


def _walk(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def collect_assets(theme_dirs: Iterable[Path], site_static: Path) -> Assets:
    """Theme static files under static/ (CSS/JS names fingerprinted), the site's own at the root.

    ``theme_dirs`` go from most to least specific; the first folder to have a name wins.
    """
    chosen: dict[str, Path] = {}
    for theme_dir in theme_dirs:
        root = theme_dir / "static"
        for path in _walk(root):
            chosen.setdefault(path.relative_to(root).as_posix(), path)
    files: list[StaticFile] = []
    asset_urls: dict[str, str] = {}
    for name, path in sorted(chosen.items()):
        out = f"static/{name}"
        data = None
        if path.suffix in FINGERPRINTED:
            data = path.read_bytes()
            if path.suffix == ".css":
                # Theme CSS is written for people (comments, spacing); readers get it minified.
                data = rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()[:10]
            out = f"static/{name[: -len(path.suffix)]}.{digest}{path.suffix}"
        files.append(StaticFile(path, out, data))
        asset_urls[name] = out
    for path in _walk(site_static):
        files.append(StaticFile(path, path.relative_to(site_static).as_posix()))
    return Assets(tuple(files), asset_urls)


def _check_replaceable(output_dir: Path) -> None:
    if not output_dir.exists():
        return
    if not output_dir.is_dir():
        raise ConfigError(f"output_dir {output_dir} is a file, not a folder")
    if any(output_dir.iterdir()) and not (output_dir / MARKER).exists():
        raise ConfigError(
            f"{output_dir} holds files site-builder did not write; empty it or set another "
            "output_dir (site-builder replaces the whole folder on each build)"
        )


def _target(staging: Path, rel: str) -> Path:
    """Where a route's file goes. Output paths come from urls.output_file, which refuses
    anything that climbs out ('..', absolute, backslashes); the staging folder is ours and
    holds no links (the copy below drops them), so no file can land outside it."""
    try:
        rel = urls.output_file(rel)
    except ValueError as exc:
        raise SiteError(f"refusing to write outside the output folder: {exc}") from None
    return staging / rel


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(output_dir: Path) -> list[Path]:
    """Remove the staging and old-output folders a killed build left beside output/.

    Their names carry the building process's id; a folder of a process still running (a
    build in another terminal, or this one: serve deletes its own in the background, and
    deleting them again here would make the build wait) is left alone.
    """
    removed: list[Path] = []
    parent = output_dir.parent
    if not parent.is_dir():
        return removed
    for kind in ("building", "old"):
        for path in parent.glob(f".{output_dir.name}.{kind}-*"):
            pid_text = path.name.split(f".{kind}-", 1)[1].split("-", 1)[0]
            if pid_text.isdigit() and _alive(int(pid_text)):
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _link_tree(source: Path, target: Path) -> None:
    """A copy of ``source`` made of hard links: instant, no extra space. Every file we later
    change in the copy is unlinked first, so the original is never written through."""
    cp = shutil.which("cp")
    if cp and sys.platform.startswith("linux"):
        # GNU cp links a tree of 10,000s of files many times faster than a Python loop.
        done = subprocess.run([cp, "-al", "--", f"{source}/.", str(target)], check=False,
                              capture_output=True)  # fmt: skip
        if done.returncode == 0:
            for root, dirs, files in os.walk(target):  # links are never ours: drop them
                for name in dirs + files:
                    if os.path.islink(os.path.join(root, name)):
                        os.unlink(os.path.join(root, name))
            return
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
    for root, dirs, files in os.walk(source):
        rel = os.path.relpath(root, source)
        dest = target if rel == "." else target / rel
        dest.mkdir(exist_ok=True)
        for name in files:
            src = os.path.join(root, name)
            if os.path.islink(src):
                continue
            try:
                os.link(src, dest / name)
            except OSError:
                shutil.copy2(src, dest / name)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]


class Staging:
    """The next output folder, written file by file beside output/, then swapped in.

    With ``reuse``, it starts as a hard-linked copy of the current output/, so a rebuild writes
    only the files that changed; ``keep`` then names every file the new site has, and the rest
    are removed before the swap. A failure (or kill -9) at any moment leaves output/ as it was.
    """

    def __init__(
        self,
        output_dir: Path,
        *,
        reuse: bool = False,
        build_id: str = "",
        built_for: str = "/",
    ):
        _check_replaceable(output_dir)
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(output_dir)
        self.output_dir = output_dir
        self.build_id = build_id
        self.built_for = built_for  # the base URL (or path) the pages link under
        self.path = Path(
            tempfile.mkdtemp(
                prefix=f".{output_dir.name}.building-{os.getpid()}-", dir=output_dir.parent
            )
        )
        self.reused = reuse and output_dir.is_dir()
        self.files = 0
        self._dirs: set[Path] = set()
        try:
            if self.reused:
                _link_tree(output_dir, self.path)
        except BaseException:
            self.abort()
            raise

    def write(self, rel: str, data: bytes) -> None:
        target = _target(self.path, rel)
        parent = target.parent
        if parent not in self._dirs:
            parent.mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        if self.reused:
            # A hard link to the old file: never write through it.
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        target.write_bytes(data)
        self.files += 1

    def copy(self, source: Path, rel: str) -> None:
        target = _target(self.path, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.reused:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        shutil.copyfile(source, target)
        self.files += 1

    def prune(self, keep: set[str], keep_dirs: tuple[str, ...] = ()) -> int:
        """Remove files not in ``keep`` (nor under a folder of ``keep_dirs``), and folders
        left empty. Returns how many files went."""
        removed = 0
        for root, _dirs, files in os.walk(self.path, topdown=False):
            rel_root = os.path.relpath(root, self.path)
            rel_root = "" if rel_root == "." else rel_root.replace(os.sep, "/") + "/"
            if any(rel_root.startswith(d) for d in keep_dirs):
                continue
            for name in files:
                if rel_root + name not in keep and (rel_root + name) not in SPECIAL:
                    os.unlink(os.path.join(root, name))
                    removed += 1
            if rel_root and not os.listdir(root):
                os.rmdir(root)
        return removed

    def remove(self, gone: set[str]) -> int:
        """Remove these files of the carried-over output (routes that no longer exist), and
        the folders they leave empty: cheaper than ``prune`` when the list is known."""
        removed = 0
        for rel in sorted(gone):
            target = _target(self.path, rel)
            try:
                target.unlink()
            except FileNotFoundError:
                continue
            removed += 1
            parent = target.parent
            while parent != self.path:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent
        return removed

    def finish(
        self, finalize: Callable[[Path], None] | None = None, *, background: bool = False
    ) -> None:
        """Mark the folder as ours, run ``finalize`` on it (the search index), swap it in.
        With ``background``, the replaced site is deleted after this returns."""
        try:
            (self.path / ".nojekyll").write_bytes(b"")  # GitHub Pages: serve as is, no Jekyll
            marker = self.path / MARKER
            if self.reused:
                marker.unlink(missing_ok=True)
            marker.write_text(marker_text(self.build_id, self.built_for))
            if finalize is not None:
                finalize(self.path)
            os.chmod(self.path, 0o755)
            _swap(self.path, self.output_dir, background)
        except BaseException:
            self.abort()
            raise

    def abort(self, *, background: bool = False) -> None:
        """Drop the folder; with ``background`` (a cancelled serve build, which a newer save
        waits on), without waiting for tens of thousands of files to be deleted."""
        if background:
            _remove_soon(self.path)
        else:
            shutil.rmtree(self.path, ignore_errors=True)


SPECIAL = frozenset({".nojekyll", MARKER})


def marker_text(build_id: str, built_for: str) -> str:
    """The marker file: whose folder this is, which build it holds, and the base URL (or
    path) its links were made for, so that ``check`` checks it as it was built."""
    return f"Built by site-builder; replaced on every build.\nbuild {build_id}\nfor {built_for}\n"


def _marker_field(output_dir: Path, name: str) -> str:
    try:
        text = (output_dir / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    for line in text.splitlines():
        if line.startswith(f"{name} "):
            return line[len(name) + 1 :].strip()
    return ""


def output_build_id(output_dir: Path) -> str:
    """The build id in output/'s marker file ('' when there is none)."""
    return _marker_field(output_dir, "build")


def output_built_for(output_dir: Path) -> str:
    """The base URL ("https://user.github.io/repo/") or path ("/") output/ was built for,
    as its marker file says ('' when it does not: a build older than this line)."""
    return _marker_field(output_dir, "for")


def _remove_soon(folder: Path) -> None:
    """Delete the replaced site without making the build wait for it: a detached ``rm``
    where there is one (the next build removes whatever a killed one left), else now."""
    rm = shutil.which("rm")
    if rm and sys.platform != "win32":
        try:
            subprocess.Popen(
                [rm, "-rf", "--", str(folder)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            return
        except OSError:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def _swap(staging: Path, output_dir: Path, background: bool = False) -> None:
    """Put the new site in place: two renames, so output/ is never half-written."""
    if output_dir.exists():
        old = Path(
            tempfile.mkdtemp(prefix=f".{output_dir.name}.old-{os.getpid()}-", dir=output_dir.parent)
        )
        old.rmdir()
        os.rename(output_dir, old)
        os.rename(staging, output_dir)
        if background:
            _remove_soon(old)
        else:
            shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, output_dir)


PATCH_LIMIT = 400  # changed files up to which a rebuild always patches output/ in place
PATCH_SHARE = 0.5  # ...and up to this share of the site's files: linking them all costs more


def patch_pays(changed: int, total: int) -> bool:
    """Whether a rebuild that changes ``changed`` of ``total`` files patches output/ in place
    rather than staging a hard-linked copy of it. Linking 25,000 files takes seconds; a
    taxonomy edit that moves a few hundred papers changes a few thousand pages."""
    return changed <= max(PATCH_LIMIT, int(total * PATCH_SHARE))


class Patch:
    """A rebuild written into output/ in place, instead of a staged copy of the whole site
    (hard-linking 25,000 files costs more than rendering a few thousand pages).

    Each file is written to a hidden temporary file beside its target as it is rendered (by
    this process or a forked worker, which names it the same way); ``commit`` then renames
    each into place, so a reader never sees a half-written file and no page is held in
    memory. From the moment the patch starts until ``commit`` ends, the marker names no
    build: if the process dies, the next build trusts nothing of output/ and renders
    everything into a fresh folder, which also drops any temporary file left behind.
    ``abort`` (a failed or cancelled build) removes the temporary files and puts the marker
    back, so output/ is exactly the previous site again.
    """

    def __init__(self, output_dir: Path, *, build_id: str = "", built_for: str = "/"):
        _check_replaceable(output_dir)
        self.output_dir = output_dir
        self.path = output_dir  # where finalize steps look for the carried-over site
        self.build_id = build_id
        self.built_for = built_for  # the base URL (or path) the pages link under
        self.owner = os.getpid()  # workers name their temporary files after the parent
        self.pending: dict[str, None] = {}  # files written to temporary names, in order
        self.files = 0
        self._committing = False
        marker = output_dir / MARKER
        self._marker_before = marker.read_bytes() if marker.is_file() else None
        output_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text("Built by site-builder; replaced on every build.\nbuild (updating)\n")

    def _temporary(self, rel: str) -> Path:
        target = _target(self.output_dir, rel)  # refuses a path outside the folder
        return target.with_name(f".{target.name}.site-builder-{self.owner}.tmp")

    def write(self, rel: str, data: bytes) -> None:
        tmp = self._temporary(rel)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        self.pending[rel] = None

    def copy(self, source: Path, rel: str) -> None:
        tmp = self._temporary(rel)
        tmp.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, tmp)
        self.pending[rel] = None

    def adopt(self, rels: Iterable[str]) -> None:
        """Files a forked worker wrote (to the same temporary names): commit them too."""
        for rel in rels:
            self.pending[rel] = None

    def commit(
        self, gone: Iterable[str] = (), finalize: Callable[[Path], None] | None = None
    ) -> None:
        """Put every pending file in place, remove ``gone``, run ``finalize`` (which builds
        the search index into a folder of its own), then write the marker."""
        out = self.output_dir
        self._committing = True  # from here on output/ is partly new: abort keeps no marker
        for rel in self.pending:
            os.replace(self._temporary(rel), _target(out, rel))  # never writes through a link
            self.files += 1
        self.pending.clear()
        for rel in sorted(gone):
            target = _target(out, rel)
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
            parent = target.parent
            while parent != out:
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent
        if finalize is not None:
            finalize(out)
        (out / MARKER).write_text(marker_text(self.build_id, self.built_for))

    def abort(self, *, background: bool = False) -> None:
        """Remove every temporary file of this patch (a worker's too, adopted or not) and,
        unless ``commit`` had begun replacing files, put the marker back as it was. Done now
        even with ``background``: a patch's files are few, and output/ must be whole."""
        ending = f".site-builder-{self.owner}.tmp"
        for root, _dirs, files in os.walk(self.output_dir, topdown=False):
            for name in files:
                if name.startswith(".") and name.endswith(ending):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(root, name))
            if root != str(self.output_dir) and not os.listdir(root):
                os.rmdir(root)  # made for a new page: a built output has no empty folder
        self.pending.clear()
        marker = self.output_dir / MARKER
        if self._committing:
            return  # the marker still says "updating": the next build renders everything
        if self._marker_before is None:
            marker.unlink(missing_ok=True)
        else:
            marker.write_bytes(self._marker_before)


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder ``new`` where ``target`` is (two renames), removing the old one."""
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
        os.rename(new, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new, target)
