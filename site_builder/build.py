"""build(config): load -> enrich -> render -> write. Reads like a table of contents."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from .config import Config, builtin_themes_dir
from .enrich import related, topics
from .errors import ErrorList, SiteError, Warn, raise_collected
from .load import load_papers
from .outputs import config_warnings, search, site_files
from .render import Renderer
from .taxonomy import load_taxonomy
from .write import collect_assets, write_site


@dataclass(frozen=True)
class BuildReport:
    papers: int
    topics: int
    pages: int
    files: int
    seconds: float
    warnings: tuple[Warn, ...]
    output_dir: Path


def build(config: Config, *, strict: bool = False) -> BuildReport:
    """Build the site into config.output_dir. On any error nothing in output/ changes."""
    started = time.perf_counter()
    papers, warnings = load_papers(config)
    if not papers:
        warnings += (
            Warn("no papers yet; add some with 'site-builder ingest FILE'", config.papers_dir),
        )
    warnings += config_warnings(config)
    if strict and warnings:
        raise ErrorList(w.as_error() for w in warnings)
    taxonomy = load_taxonomy(config.topics_file)
    site = topics.assign(papers, taxonomy, config.max_topics)
    if config.related and config.related_count:
        site = replace(site, related=related.related_papers(site.papers, config.related_count))
    assets = collect_assets([config.theme_dir, builtin_themes_dir() / "default"], config.static_dir)
    renderer = Renderer(config, site, assets.urls)
    pages = list(renderer.pages())  # render everything before touching output/
    warnings += tuple(renderer.warnings)
    if strict and renderer.warnings:
        raise ErrorList(w.as_error() for w in renderer.warnings)
    pages += site_files(renderer, pages)  # sitemap.xml, robots.txt: need every page
    _check_unique(pages)
    # The search index is written into the staging folder, before the swap.
    finalize = search.finalizer(config, renderer)
    files = write_site(config.output_dir, pages, assets, finalize=finalize)
    return BuildReport(
        papers=len(site.papers),
        topics=len(site.topics),
        pages=len(pages),
        files=files,
        seconds=time.perf_counter() - started,
        warnings=warnings,
        output_dir=config.output_dir,
    )


def _check_unique(pages: list[tuple[str, bytes]]) -> None:
    seen: set[str] = set()
    errors: list[SiteError] = []
    for rel, _data in pages:
        if rel in seen:
            errors.append(SiteError(f"two pages would be written to {rel}"))
        seen.add(rel)
    raise_collected(errors)
