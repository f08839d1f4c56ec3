"""build(config): load -> enrich -> plan -> render -> write. Reads like a table of contents.

A build reuses what the last one left in the build cache (cache.py): content files whose
bytes did not change are not parsed again, related papers are not recomputed for the same
texts, and only routes whose dependency hash changed are rendered; the rest of output/ is
carried over as hard links. The result is byte-identical to a cold build of the same sources.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from . import cite
from .cache import BuildCache, BuildState, code_hash
from .config import Config, builtin_themes_dir
from .enrich import authors, related, topics
from .errors import Diagnostic, ErrorList, SiteError, Warn
from .load import load_paper
from .model import Paper, Site
from .outputs import search
from .plan import PlanInputs, plan
from .render import RouteRenderer, TemplateHashes, make_environment, make_loader
from .routes import PAPER, PAPER_BIB, Route
from .search_index import SearchRecord
from .urls import Urls
from .validate import validate_sources
from .views import CardView, ViewStore
from .write import Assets, Staging, collect_assets, output_build_id

PARALLEL_FROM = 400  # routes to render before worker processes pay for themselves
# Paper fields that never reach a page (where the file is, which lines hold what).
_NOT_SHOWN = {"path", "title_line", "abstract_line", "topics_from_file"}


@dataclass(frozen=True)
class BuildReport:
    papers: int
    topics: int
    pages: int  # routes in the plan
    files: int  # files written by this build (0: nothing changed)
    seconds: float
    warnings: tuple[Diagnostic, ...]
    output_dir: Path
    rendered: int = 0  # routes rendered (the rest were reused)
    pending: tuple[str, ...] = ()  # work left to a follow-up build (serve only)
    timings: Mapping[str, float] = field(default_factory=dict)


Progress = Callable[[int, int], None]  # (done, total) while rendering


def build(
    config: Config,
    *,
    strict: bool = False,
    jobs: int | None = None,
    use_cache: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site into config.output_dir. On any error nothing in output/ changes."""
    return Builder(config.site_dir, use_cache=use_cache).build(
        config, strict=strict, jobs=jobs, progress=progress
    )


class Builder:
    """Builds one site again and again, keeping the last build's state in memory (serve) and
    in the build cache on disk (the next ``site-builder build``)."""

    def __init__(self, site_dir: Path, *, use_cache: bool = True):
        self.cache = BuildCache(site_dir, enabled=use_cache)
        self.state: BuildState | None = None

    def build(
        self,
        config: Config,
        *,
        strict: bool = False,
        jobs: int | None = None,
        progress: Progress | None = None,
        defer_global: bool = False,
    ) -> BuildReport:
        """One build. ``defer_global`` (serve): reuse the last related-papers result when the
        texts changed, and say so in ``pending``; a follow-up build without it converges."""
        started = time.perf_counter()
        clock = _Clock()
        previous = self.state if self.state is not None else self.cache.load()
        state = BuildState()

        # Config, every content file and the taxonomy, all checked before any stops the build.
        papers, taxonomy, found = validate_sources(config, _cached_parse(previous, state))
        if strict:
            found = found.strict()
        found.raise_errors()
        warnings: tuple[Diagnostic, ...] = found.warnings
        assert taxonomy is not None  # no errors above, so it loaded
        clock.lap("load")
        site = topics.assign(papers, taxonomy, config.max_topics)
        rules = authors.load_author_rules(config.site_dir / authors.RULES_FILE)
        site = authors.assign_authors(site, rules)
        unused = tuple(authors.check_author_rules(site, rules))
        if strict and unused:
            raise ErrorList(w.as_error() for w in unused)
        warnings += unused
        clock.lap("topics")
        pending: list[str] = []
        if config.related and config.related_count:
            mapping, fresh = _related(site, config, previous, defer_global)
            site = replace(site, related=mapping)
            if fresh:
                state.related = (_related_key(site, config), dict(mapping))
            else:
                pending.append("related papers")
                state.related = previous.related
        clock.lap("related")

        assets = collect_assets(
            [config.theme_dir, builtin_themes_dir() / "default"], config.static_dir
        )
        asset_hashes = _asset_hashes(assets)
        fingerprints = {p.slug: _fingerprint(p, site) for p in site.papers}
        keys = cite.citation_keys(site.papers) if config.citations else {}
        loader = make_loader(config)
        env = make_environment(config, assets.urls)
        inputs = PlanInputs(
            config=config,
            fingerprints=fingerprints,
            citation_keys=keys,
            template_hash=TemplateHashes(loader, env),
            # Where the output goes changes no byte of it.
            global_hash=_digest(
                repr(replace(config, output_dir=Path())), sorted(assets.urls.items()), code_hash()
            ),
            asset_outputs=tuple(f.out for f in assets.files),
            user_static=frozenset(f.out for f in assets.files if not f.out.startswith("static/")),
        )
        routes = plan(site, inputs)
        clock.lap("plan")

        out = config.output_dir
        reuse = (
            bool(previous.output_id)
            and previous.output_dir == str(out)
            and output_build_id(out) == previous.output_id
        )
        todo = [r for r in routes if not reuse or previous.routes.get(r.output) != r.deps]
        assets_todo = [
            f
            for f in assets.files
            if not reuse or previous.assets.get(f.out) != asset_hashes[f.out]
        ]
        gone = set(previous.routes) | set(previous.assets) if reuse else set()
        gone -= {r.output for r in routes} | set(asset_hashes)

        u = Urls(config.base_path, config.base_url)
        views = ViewStore(
            site,
            u,
            math=config.math,
            site_dir=config.site_dir,
            citation_keys=keys,
            author_pages=bool(site.authors),
        )
        renderer = RouteRenderer(config, site, views, env, lambda: routes)
        state.files = state.files  # filled by the parser above
        state.routes = {r.output: r.deps for r in routes}
        state.assets = asset_hashes
        state.output_dir = str(out)

        if (
            reuse
            and not todo
            and not assets_todo
            and not gone
            and not pending
            and previous.search != "stale"
        ):
            # Nothing changed: output/ already is this build. Keep its id.
            problems = _problems(site, fingerprints, views, previous)
            warnings += tuple(w for ws in problems.values() for w in ws)
            if strict and any(problems.values()):
                raise ErrorList(w.as_error() for ws in problems.values() for w in ws)
            state.output_id, state.problems = previous.output_id, problems
            state.search, state.records = previous.search, previous.records
            self._keep(state)
            clock.lap("write")
            return self._report(site, routes, 0, 0, started, warnings, out, (), clock)

        # The id names the output's content (every route and asset hash), so two builds of
        # the same sources write the same marker file, cold or incremental.
        build_id = _digest(sorted(state.routes.items()), sorted(asset_hashes.items()))
        staging = Staging(out, reuse=reuse, build_id=build_id)
        try:
            for static in assets_todo:
                if static.data is not None:
                    staging.write(static.out, static.data)
                else:
                    staging.copy(static.source, static.out)
            clock.lap("assets")
            _render_all(renderer, views, todo, staging, jobs, progress)
            clock.lap("render")
            problems = _problems(site, fingerprints, views, previous)
            found = tuple(w for ws in problems.values() for w in ws)
            warnings += found
            if strict and found:
                raise ErrorList(w.as_error() for w in found)
            if reuse:
                staging.remove(gone)
            records = _search_records(site, fingerprints, views, previous, state)
            finalize = search.finalizer(config, records)
            carried = staging.path / search.BUNDLE_DIR
            if finalize is not None and defer_global and reuse and carried.is_dir():
                # serve: the old index stands in until the follow-up build.
                finalize = None
                pending.append("search index")
                state.search = "stale"
            elif reuse:  # the search step makes or reuses a whole bundle of its own
                shutil.rmtree(carried, ignore_errors=True)
            staging.finish(finalize, background=reuse)
            clock.lap("write")
        except BaseException:
            staging.abort()
            raise
        state.output_id, state.problems = build_id, problems
        self._keep(state)
        files = staging.files + len(gone)
        return self._report(site, routes, files, len(todo), started, warnings, out,
                            tuple(pending), clock)  # fmt: skip

    def _keep(self, state: BuildState) -> None:
        self.state = state
        self.cache.save(state)

    @staticmethod
    def _report(
        site: Site,
        routes: Sequence[Route],
        files: int,
        rendered: int,
        started: float,
        warnings: tuple[Warn, ...],
        out: Path,
        pending: tuple[str, ...],
        clock: _Clock,
    ) -> BuildReport:
        return BuildReport(
            papers=len(site.papers),
            topics=len(site.topics),
            pages=len(routes),
            files=files,
            seconds=time.perf_counter() - started,
            warnings=warnings,
            output_dir=out,
            rendered=rendered,
            pending=pending,
            timings=dict(clock.laps),
        )


class _Clock:
    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self.last
        self.last = now


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def _cached_parse(previous: BuildState, state: BuildState):
    """A parse function for load_papers that reuses the last build's Paper for a file whose
    bytes are unchanged (and replays its warnings), and records every file for the next."""

    def parse(path: Path, label: str) -> tuple[Paper, tuple[Diagnostic, ...]]:
        try:
            data = path.read_bytes()
        except OSError:
            return load_paper(path, label)  # it reports the error
        sha = hashlib.sha256(data).hexdigest()
        seen = previous.files.get(label)
        if seen is not None and seen[0] == sha and seen[1] is not None and seen[1].path == path:
            state.files[label] = seen
            return seen[1], seen[2]
        paper, found = load_paper(path, label)
        state.files[label] = (sha, paper, found, ())
        return paper, found

    return parse


def _fingerprint(paper: Paper, site: Site) -> str:
    """A hash of everything a page or card can show of a paper."""
    shown = tuple(getattr(paper, f.name) for f in fields(paper) if f.name not in _NOT_SHOWN)
    return _digest(shown, site.paper_authors.get(paper.slug, ()))


def _related_key(site: Site, config: Config) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{config.related_count}|{related.__name__}|{site.fallback_topic}".encode())
    for p in site.papers:
        digest.update(repr((p.slug, p.title, p.abstract, p.authors, p.topics)).encode() + b"\0")
    return digest.hexdigest()


def _related(
    site: Site, config: Config, previous: BuildState, defer: bool
) -> tuple[Mapping[str, tuple[str, ...]], bool]:
    """Related papers, reused when the texts are the same as last time. With ``defer`` and
    changed texts, the last result (minus papers that are gone) stands in for now."""
    key = _related_key(site, config)
    if previous.related is not None and previous.related[0] == key:
        return previous.related[1], True
    if defer and previous.related is not None:
        known = {p.slug for p in site.papers}
        stale = {
            slug: tuple(s for s in others if s in known)
            for slug, others in previous.related[1].items()
            if slug in known
        }
        return stale, False
    ignore = (site.fallback_topic,) if site.fallback_topic else ()
    return related.related_papers(site.papers, config.related_count, ignore), True


def _search_records(
    site: Site,
    fingerprints: Mapping[str, str],
    views: ViewStore,
    previous: BuildState,
    state: BuildState,
) -> list[SearchRecord]:
    """What the search index holds of every paper, in site order: made while rendering, or
    kept from the last build for an unchanged paper (same fingerprint, same record)."""
    records: list[SearchRecord] = []
    for paper in site.papers:
        fp = fingerprints[paper.slug]
        record = views.records.get(paper.slug) or previous.records.get(fp)
        if record is None:
            views.paper(paper.slug)
            record = views.records[paper.slug]
        state.records[fp] = record
        records.append(record)
    return records


def _asset_hashes(assets: Assets) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for f in assets.files:
        data = f.data if f.data is not None else f.source.read_bytes()
        hashes[f.out] = hashlib.blake2b(data, digest_size=16).hexdigest()
    return hashes


def _problems(
    site: Site, fingerprints: Mapping[str, str], views: ViewStore, previous: BuildState
) -> dict[str, tuple[Warn, ...]]:
    """Math warnings of every paper, by fingerprint, in site order: from this build's views,
    else from the last build (same fingerprint, same texts), else worked out now."""
    found: dict[str, tuple[Warn, ...]] = {}
    for paper in site.papers:
        fp = fingerprints[paper.slug]
        if paper.slug in views.problems:
            found[fp] = views.problems[paper.slug]
        elif fp in previous.problems:
            found[fp] = previous.problems[fp]
        else:
            views.texts(paper.slug)
            found[fp] = views.problems[paper.slug]
    return found


# -- rendering, in this process or in workers ---------------------------------------------


def _render_all(
    renderer: RouteRenderer,
    views: ViewStore,
    todo: list[Route],
    staging: Staging,
    jobs: int | None,
    progress: Progress | None,
) -> None:
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    can_fork = "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
    # Paper pages first: rendering them makes every card, which the listings then share.
    first = [r for r in todo if r.kind in (PAPER, PAPER_BIB)]
    rest = [r for r in todo if r.kind not in (PAPER, PAPER_BIB)]
    if workers <= 1 or len(todo) < PARALLEL_FROM or not can_fork:
        for i, route in enumerate(first + rest, 1):
            staging.write(route.output, renderer.render(route))
            if progress and i % 200 == 0:
                progress(i, len(todo))
        if progress:
            progress(len(todo), len(todo))
        return
    # The second pool is forked after the cards of the first are in this process.
    done = 0
    for batch, keep_cards in ((first, True), (rest, False)):
        if not batch:
            continue
        for result in _in_workers(renderer, staging, batch, workers, keep_cards):
            count, cards, problems, titles, records = result
            views.cards.update(cards)
            views.records.update(records)
            views.problems.update(problems)
            views.titles.update(titles)
            staging.files += count
            done += count
            if progress:
                progress(done, len(todo))


_Result = tuple[
    int,
    dict[str, CardView],
    dict[str, tuple[Warn, ...]],
    dict[str, Any],
    dict[str, SearchRecord],
]


def _in_workers(
    renderer: RouteRenderer, staging: Staging, batch: list[Route], workers: int, keep: bool
) -> Iterator[_Result]:
    size = max(50, min(500, len(batch) // (workers * 8) or 1))
    chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
    context = multiprocessing.get_context("fork")
    # fork: the workers inherit the renderer, views and staging folder; nothing is pickled
    # on the way in, and only small results (cards, warnings) come back.
    init = (renderer, staging, keep)
    with context.Pool(workers, initializer=_worker_init, initargs=init) as pool:
        for result in pool.imap(_worker_render, chunks):
            if isinstance(result, _Failure):
                raise result.error()
            yield result


@dataclass(frozen=True)
class _Failure:
    kind: str
    message: str
    path: str | None
    line: int | None

    def error(self) -> SiteError:
        from . import errors

        cls = getattr(errors, self.kind, SiteError)
        if not (isinstance(cls, type) and issubclass(cls, SiteError)):
            cls = SiteError
        return cls(self.message, self.path, self.line)


_WORKER: dict[str, Any] = {}  # set once in each worker process by _worker_init


def _worker_init(renderer: RouteRenderer, staging: Staging, keep: bool) -> None:
    _WORKER.update(renderer=renderer, staging=staging, keep=keep)


def _worker_render(chunk: list[Route]) -> _Result | _Failure:
    renderer: RouteRenderer = _WORKER["renderer"]
    staging: Staging = _WORKER["staging"]
    views = renderer.views
    before_cards, before_titles = set(views.cards), set(views.titles)
    before_problems, before_records = set(views.problems), set(views.records)
    try:
        for route in chunk:
            staging.write(route.output, renderer.render(route))
    except SiteError as exc:
        return _Failure(type(exc).__name__, exc.message, exc.path, exc.line)
    if not _WORKER["keep"]:
        return len(chunk), {}, {}, {}, {}
    cards = {s: c for s, c in views.cards.items() if s not in before_cards}
    titles = {s: t for s, t in views.titles.items() if s not in before_titles}
    problems = {s: p for s, p in views.problems.items() if s not in before_problems}
    records = {s: r for s, r in views.records.items() if s not in before_records}
    # What went back to the parent is not needed here again: keep the worker's memory flat.
    for s in cards:
        del views.cards[s]
    for s in records:
        del views.records[s]
    return len(chunk), cards, problems, titles, records


def render_site(config: Config, site: Site) -> dict[str, bytes]:
    """Plan and render an enriched Site in memory: output path -> bytes, in plan order.
    Nothing is written; for tests, previews and tools that want the pages themselves."""
    assets = collect_assets([config.theme_dir, builtin_themes_dir() / "default"], config.static_dir)
    fingerprints = {p.slug: _fingerprint(p, site) for p in site.papers}
    keys = cite.citation_keys(site.papers) if config.citations else {}
    env = make_environment(config, assets.urls)
    inputs = PlanInputs(
        config=config,
        fingerprints=fingerprints,
        citation_keys=keys,
        template_hash=lambda name: "",
        global_hash="",
        asset_outputs=tuple(f.out for f in assets.files),
        user_static=frozenset(f.out for f in assets.files if not f.out.startswith("static/")),
    )
    routes = plan(site, inputs)
    u = Urls(config.base_path, config.base_url)
    views = ViewStore(site, u, math=config.math, site_dir=config.site_dir,
                      citation_keys=keys, author_pages=bool(site.authors))  # fmt: skip
    renderer = RouteRenderer(config, site, views, env, lambda: routes)
    return {r.output: renderer.render(r) for r in routes}
