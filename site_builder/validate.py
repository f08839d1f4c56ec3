"""Read and check every source of a build in one pass, so one run reports every error.

Order: config (already loaded by the caller), all content files, the taxonomy, authors.yaml.
Each stage runs even when an earlier one failed (a content error does not hide a taxonomy
error); the caller stops before rendering when ``diagnostics.ok`` is false. Template errors
come later, from rendering, as Diagnostics made by ``template_errors.template_diagnostic``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .enrich.authors import RULES_FILE, AuthorRules, load_author_rules
from .errors import Diagnostics, SiteError, Warn
from .load import ParseFile, load_papers
from .model import Paper
from .outputs import config_warnings
from .taxonomy import Taxonomy, load_taxonomy


@dataclass(frozen=True)
class Sources:
    """Everything a build reads before it enriches, and every diagnostic found reading it."""

    papers: tuple[Paper, ...]
    taxonomy: Taxonomy | None  # None when the taxonomy file failed
    author_rules: AuthorRules
    found: Diagnostics  # paths relative to the site


def validate_sources(config: Config, parse: ParseFile | None = None) -> Sources:
    """Papers, taxonomy and authors.yaml, and every diagnostic of all three.
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
    rules = AuthorRules()
    try:
        rules = load_author_rules(config.site_dir / RULES_FILE)
    except SiteError as exc:
        found.catch(exc)
    return Sources(papers, taxonomy, rules, found.relative_to(config.site_dir))


def _rel(config: Config) -> Path:
    try:
        return config.papers_dir.relative_to(config.site_dir)
    except ValueError:
        return config.papers_dir
