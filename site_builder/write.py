"""Write a built site: everything into a staging folder beside output/, then swap it in.

A build that fails before the swap leaves the previous output/ exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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
    try:
        rel = urls.output_file(rel)
    except ValueError as exc:
        raise SiteError(f"refusing to write outside the output folder: {exc}") from None
    target = (staging / rel).resolve()
    if not target.is_relative_to(staging.resolve()):
        raise SiteError(f"refusing to write outside the output folder: {rel!r}")
    return target


def write_site(
    output_dir: Path,
    pages: Iterable[tuple[str, bytes]],
    assets: Assets,
    finalize: Callable[[Path], None] | None = None,
) -> int:
    """Write pages and assets, then replace output_dir in one step. Returns files written.

    ``finalize`` runs on the finished staging folder before the swap (e.g. a search indexer);
    if it raises, the previous output stays.
    """
    _check_replaceable(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.building-", dir=output_dir.parent))
    count = 0
    written: dict[str, str] = {}
    try:
        for static in assets.files:
            target = _target(staging, static.out)
            target.parent.mkdir(parents=True, exist_ok=True)
            if static.data is not None:
                target.write_bytes(static.data)
            else:
                shutil.copyfile(static.source, target)
            written[static.out] = f"static file {static.source}"
            count += 1
        for rel, data in pages:
            if rel in written:
                raise SiteError(f"two outputs want {rel}: a page and the {written[rel]}")
            target = _target(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written[rel] = "page"
            count += 1
        (staging / ".nojekyll").write_bytes(b"")  # GitHub Pages: serve as is, no Jekyll
        (staging / MARKER).write_text("Built by site-builder; replaced on every build.\n")
        if finalize is not None:
            finalize(staging)
        os.chmod(staging, 0o755)
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _swap(staging: Path, output_dir: Path) -> None:
    """Put the new site in place: two renames, so output/ is never half-written."""
    if output_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.old-", dir=output_dir.parent))
        old.rmdir()
        os.rename(output_dir, old)
        os.rename(staging, output_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, output_dir)
