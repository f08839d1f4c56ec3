"""Synthetic paper collections for the benchmark, built from the repository's real abstracts.

The same N papers are written twice: as a site-builder site and as a Hugo site. Both get the
very same content file bytes (YAML front matter + Markdown abstract), so the two tools parse and
render identical input. Everything is derived from a seeded random generator, so a given
(seed, N) always produces the same files and runs on different days stay comparable.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent

# A fixed topic list (names taken from the packaged taxonomy) so that topic pages exist and
# the set of topics does not depend on the keyword classifier, which Hugo does not have.
TOPICS = (
    "Large language models",
    "LLM alignment and human preferences",
    "Code generation",
    "Computer vision",
    "3D generation",
    "Video generation",
    "Multimodal learning",
    "Music and audio",
    "Speech and voice",
    "Diffusion and score-based models",
    "Reinforcement learning",
    "Robotics and control",
    "Model compression and efficiency",
    "Learning theory and optimization",
    "Datasets and benchmarks",
)

# Made-up names; papers get 1-6 of them so author lists vary in length like real ones.
GIVEN = (
    "Ada", "Bo", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Jun",
    "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tala",
)  # fmt: skip
FAMILY = (
    "Abe", "Barros", "Costa", "Dietrich", "Eze", "Fischer", "Gupta", "Haddad", "Ito",
    "Jensen", "Kowalski", "Li", "Mensah", "Novak", "Okafor", "Petrov", "Quispe", "Rossi",
    "Silva", "Tanaka", "Usman", "Varga", "Wang", "Yilmaz", "Zhou",
)  # fmt: skip

# Title variations; a serial number is appended too, so every title and slug is unique.
PREFIXES = ("", "", "", "Revisiting ", "Towards ", "Scaling ", "On ", "Rethinking ")
SUFFIXES = ("", "", "", " at Scale", " Revisited", ": An Empirical Study", " in Practice")

_DATE_LINE = re.compile(
    r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}(, \d{4})?$"
)
_URL = re.compile(r"https?://[^\s<>\"')]+")
_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co")
# The newest synthetic date. Earlier than the benchmark date on purpose: Hugo skips pages
# dated in the future unless told otherwise, and we want no tool-specific surprises.
NEWEST = dt.date(2026, 3, 11)


@dataclass(frozen=True)
class Source:
    title: str
    abstract: str


@dataclass(frozen=True)
class Collection:
    """Where one generated size lives."""

    size: int
    root: Path
    site_builder: Path  # a site-builder site folder (site.yaml + content/)
    hugo: Path  # a Hugo site folder (hugo.toml + layouts/ + content/)


def read_sources(repo: Path = REPO) -> list[Source]:
    """Real titles and abstracts: content/papers/*.md when present, else the daily-papers dump."""
    papers_dir = repo / "content" / "papers"
    files = sorted(papers_dir.rglob("*.md")) if papers_dir.is_dir() else []
    sources = [s for s in map(_from_content_file, files) if s is not None]
    if sources:
        return sources
    return _from_dump((repo / "data" / "daily-papers.txt").read_text(encoding="utf-8"))


def _from_content_file(path: Path) -> Source | None:
    text = path.read_text(encoding="utf-8")
    parts = text.split("\n---", 1) if text.startswith("---") else []
    if len(parts) != 2:
        return None
    meta = yaml.safe_load(parts[0][3:]) or {}
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    title = meta.get("title") if isinstance(meta, dict) else None
    if not isinstance(title, str) or not body.strip():
        return None
    return Source(title=" ".join(title.split()), abstract=body.strip())


def _from_dump(text: str) -> list[Source]:
    """The dump's shape: header lines, a date line, then title / abstract paragraph pairs."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if _DATE_LINE.match(line)), None)
    if start is None:
        raise ValueError("no date line found in the daily-papers dump")
    body = [line for line in lines[start + 1 :] if not _DATE_LINE.match(line)]
    return [Source(body[i], body[i + 1]) for i in range(0, len(body) - 1, 2)]


def slugify(text: str, limit: int = 70) -> str:
    """Lowercase ASCII words joined by '-'. Local on purpose: the bench must not import the
    code it measures, so a change there cannot change the generated input."""
    words = re.findall(r"[a-z0-9]+", text.lower().encode("ascii", "ignore").decode())
    return "-".join(words)[:limit].strip("-") or "paper"


def _links(abstract: str) -> list[dict[str, str]]:
    links: list[dict[str, str]] = []
    for raw in _URL.findall(abstract):
        url = raw.rstrip(".,;:!?")
        kind = "code" if any(host in url for host in _CODE_HOSTS) else "project"
        if all(link["url"] != url for link in links):
            links.append({"url": url, "kind": kind})
    return links


def _rotate_sentences(abstract: str, shift: int) -> str:
    """Reorder sentences so copies of one abstract are different pages, not byte duplicates."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", abstract)
    if len(sentences) < 3:
        return abstract
    shift %= len(sentences)
    return " ".join(sentences[shift:] + sentences[:shift])


def paper_files(size: int, sources: list[Source], seed: int) -> list[tuple[str, str]]:
    """(slug, file text) for `size` distinct papers; deterministic for (size, sources, seed)."""
    rng = random.Random(seed)
    files: list[tuple[str, str]] = []
    for i in range(size):
        src = sources[i % len(sources)]
        copy = i // len(sources)  # 0 for the first pass, so size 51 keeps the real titles
        if copy == 0:
            title, abstract = src.title, src.abstract
        else:
            title = f"{rng.choice(PREFIXES)}{src.title}{rng.choice(SUFFIXES)} ({copy + 1})"
            abstract = _rotate_sentences(src.abstract, copy)
        slug = f"{slugify(title)}-{i:05d}"
        date = NEWEST - dt.timedelta(days=rng.randrange(0, 3 * 365))
        authors = [f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}" for _ in range(rng.randint(1, 6))]
        meta: dict[str, object] = {
            "title": title,
            "date": date,
            "slug": slug,
            "authors": list(dict.fromkeys(authors)),
            "topics": rng.sample(TOPICS, rng.randint(1, 3)),
        }
        links = _links(abstract)
        if links:
            meta["links"] = links
        year, month = 23 + rng.randrange(3), rng.randrange(1, 13)
        meta["arxiv"] = f"{year}{month:02d}.{rng.randrange(100000):05d}"
        front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
        files.append((slug, f"---\n{front}---\n\n{abstract}\n"))
    return files


SITE_YAML = """\
title: Benchmark Papers
description: Synthetic collection for bench/run.py.
language: en
papers_per_page: 20
max_topics: 3
"""


def write_collection(root: Path, size: int, seed: int, sources: list[Source]) -> Collection:
    """Write one size as a site-builder site and a Hugo site under root/<size>/."""
    base = root / f"n{size}"
    sb_dir, hugo_dir = base / "site-builder", base / "hugo"
    if base.exists():
        shutil.rmtree(base)
    (sb_dir / "content" / "papers").mkdir(parents=True)
    (sb_dir / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    shutil.copytree(BENCH / "hugo-site", hugo_dir)
    (hugo_dir / "content" / "papers").mkdir(parents=True)
    # The same stylesheet for both, so both fingerprint and copy the same bytes.
    css = REPO / "themes" / "default" / "static" / "style.css"
    if css.is_file():
        (hugo_dir / "assets").mkdir(exist_ok=True)
        shutil.copyfile(css, hugo_dir / "assets" / "style.css")
    for slug, text in paper_files(size, sources, seed):
        data = text.encode("utf-8")
        (sb_dir / "content" / "papers" / f"{slug}.md").write_bytes(data)
        (hugo_dir / "content" / "papers" / f"{slug}.md").write_bytes(data)
    return Collection(size=size, root=base, site_builder=sb_dir, hugo=hugo_dir)
