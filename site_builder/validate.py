"""Read and check every source of a build in one pass, so one run reports every error.

Order: config (already loaded by the caller, or loaded here), all content files, the taxonomy.
Each stage runs even when an earlier one failed (a content error does not hide a taxonomy
error); the caller stops before rendering when ``diagnostics.ok`` is false. Template errors
come later, from rendering, as Diagnostics made by ``template_errors.template_diagnostic``.
"""

from __future__ import annotations

from pathlib import Path

from .config import Config
from .errors import Diagnostics, SiteError, Warn
from .load import ParseFile, load_papers
from .model import Paper
from .outputs import config_warnings
from .taxonomy import Taxonomy, load_taxonomy


def validate_sources(
    config: Config, parse: ParseFile | None = None
) -> tuple[tuple[Paper, ...], Taxonomy | None, Diagnostics]:
    """Papers, taxonomy (None if it failed) and every diagnostic, paths relative to the site.
    ``parse`` reads one content file (see load.load_papers)."""
    found = Diagnostics()
    papers: tuple[Paper, ...] = ()
    try:
        papers, warnings = load_papers(config, parse)
        found.extend(warnings)
    except SiteError as exc:
        found.catch(exc)
    else:
        if not papers:
            found.add(Warn("no papers yet; add some with 'site-builder ingest FILE'", _rel(config)))
    found.extend(config_warnings(config))
    taxonomy: Taxonomy | None = None
    try:
        taxonomy = load_taxonomy(config.topics_file)
    except SiteError as exc:
        found.catch(exc)
    return papers, taxonomy, found.relative_to(config.site_dir)


def _rel(config: Config) -> Path:
    try:
        return config.papers_dir.relative_to(config.site_dir)
    except ValueError:
        return config.papers_dir
