"""The build cache: what the last build read and wrote, so the next one redoes only what changed.

It lives in ``.site-builder-cache/`` in the site folder: gitignored, safe to delete (the next
build is then a cold one), and versioned: a folder per cache format and site-builder code, so a
new site-builder never reads an old cache. Decisions are made on content hashes, never mtimes.

Entries are pickled, and read back with an unpickler that only builds site-builder's own model
types and plain Python values: a cache file someone else wrote cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__

CACHE_DIR = ".site-builder-cache"
FORMAT = 2  # bump when what is stored changes shape

_ALLOWED = {
    "builtins": {
        "tuple",
        "list",
        "dict",
        "set",
        "frozenset",
        "str",
        "bytes",
        "int",
        "float",
        "bool",
        "NoneType",
        "complex",
    },
    "datetime": {"date", "datetime"},
    "pathlib": {"PosixPath", "WindowsPath", "Path", "PurePosixPath", "PureWindowsPath"},
    "markupsafe": {"Markup"},
    "copyreg": {"_reconstructor"},
}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("site_builder.") and not name.startswith("_"):
            return super().find_class(module, name)
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the cache")


def code_hash() -> str:
    """site-builder's version and the bytes of its own modules: any change, a new cache."""
    root = Path(__file__).resolve().parent
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass
class BuildState:
    """What one build leaves for the next. Plain data; all of it is keyed by content hashes."""

    # content file label -> (sha256 of its bytes, the Paper or None, its warnings, its errors)
    files: dict[str, tuple[str, Any, tuple[Any, ...], tuple[Any, ...]]] = field(
        default_factory=dict
    )
    output_id: str = ""  # the build id written into the output folder's marker file
    output_dir: str = ""
    routes: dict[str, str] = field(default_factory=dict)  # output path -> deps hash
    assets: dict[str, str] = field(default_factory=dict)  # output path -> content hash
    # paper fingerprint -> math warnings of its texts (so an unchanged paper keeps its warnings)
    problems: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    related: tuple[str, dict[str, tuple[str, ...]]] | None = None  # (inputs hash, result)
    related_memo: tuple[Any, ...] | None = None  # related_incremental.Memo.to_plain()
    search: str = ""  # "stale" when output/'s search index lags behind (serve, deferred)
    records: dict[str, Any] = field(default_factory=dict)  # paper fingerprint -> SearchRecord
    # content file label -> (mtime_ns, size, inode) when the file was read: a file whose
    # stat is the same is not read again (its hash and Paper stand); see build._cached_parse.
    stats: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    # (title, abstract, keywords, categories) -> (topics, topic profile) the taxonomy gave,
    # valid for topic_key
    topic_key: str = ""
    topic_memo: dict[tuple[Any, ...], tuple[tuple[str, ...], Any]] = field(default_factory=dict)
    # (hash of assign's whole input, each paper's topics, assign's Site without its papers)
    topic_site: tuple[str, tuple[tuple[str, ...], ...], Any] | None = None
    # (bylines-and-rules hash, authors, paper slug -> author slugs, unused-rule warnings)
    authors: tuple[str, tuple[Any, ...], dict[str, tuple[str, ...]], tuple[Any, ...]] | None = None
    head: Head | None = None  # what a no-op build needs; also stored apart (BuildCache.head)


@dataclass(frozen=True)
class Head:
    """The small part of a BuildState that decides a no-op build without reading the rest:
    a stamp of every input file's stat (build.input_stamp), and what the report says."""

    stamp: str
    output_id: str
    output_dir: str
    papers: int
    topics: int
    pages: int
    warnings: tuple[Any, ...] = ()
    taxonomy_fit: float = 1.0


class BuildCache:
    """Reads and writes the BuildState of one site."""

    def __init__(self, site_dir: Path, enabled: bool = True):
        self.root = site_dir / CACHE_DIR
        self.enabled = enabled
        self.folder = self.root / f"v{FORMAT}-{code_hash()[:16]}"
        self.file = self.folder / "state.pickle"
        self.head_file = self.folder / "head.pickle"
        self.cards_file = self.folder / "cards.pickle"

    def head(self) -> Head | None:
        """The last build's Head, read on its own (a few hundred bytes, not the whole state)."""
        if not self.enabled:
            return None
        head = _read(self.head_file)
        return head if isinstance(head, Head) else None

    def load(self) -> BuildState:
        if not self.enabled:
            return BuildState()
        state = _read(self.file)
        return state if isinstance(state, BuildState) else BuildState()

    def save(self, state: BuildState) -> None:
        """Write atomically; drop the folders of other versions. Failing to cache is not an
        error of the build: the next build is merely a cold one."""
        if not self.enabled:
            return
        try:
            self._make_folder()
            # The head goes first and names what the state holds: a head without its state
            # (killed in between) only makes the next build a full one.
            self.head_file.unlink(missing_ok=True)
            _write(self.folder, self.file, state)
            if state.head is not None:
                _write(self.folder, self.head_file, state.head)
            for other in self.root.iterdir():
                if other.is_dir() and other != self.folder:
                    shutil.rmtree(other, ignore_errors=True)
        except OSError:
            pass

    def load_cards(self, key: str) -> dict[str, tuple[str, Any]]:
        """The cards the last big render left (slug -> (paper fingerprint, card)), if they
        were made for ``key`` (what every card shares: base URL, topic slugs, math...)."""
        if not self.enabled:
            return {}
        stored = _read(self.cards_file)
        if not (isinstance(stored, tuple) and len(stored) == 2 and stored[0] == key):
            return {}
        cards = stored[1]
        return cards if isinstance(cards, dict) else {}

    def save_cards(self, key: str, cards: dict[str, tuple[str, Any]]) -> None:
        """Kept apart from the state: only a build that re-lists many papers reads them."""
        if not self.enabled:
            return
        try:
            self._make_folder()
            _write(self.folder, self.cards_file, (key, cards))
        except OSError:
            pass

    def _make_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        gitignore = self.root / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("# site-builder's build cache: safe to delete\n*\n")

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _read(file: Path) -> object:
    try:
        data = file.read_bytes()
        return _SafeUnpickler(io.BytesIO(data)).load()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            TypeError, ValueError, IndexError):  # fmt: skip
        return None  # missing, old or damaged: build as if cold


def _write(folder: Path, file: Path, value: object) -> None:
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".state-")
    with os.fdopen(fd, "wb") as out:
        pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, file)
