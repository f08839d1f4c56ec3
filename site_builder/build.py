"""build(config): load -> enrich -> plan -> render -> write. Reads like a table of contents.

A build reuses what the last one left in the build cache (cache.py): content files whose
bytes did not change are not parsed again, related papers are not recomputed for the same
texts, and only routes whose dependency hash changed are rendered; the rest of output/ is
carried over as hard links. The result is byte-identical to a cold build of the same sources.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from . import cite
from .cache import CACHE_DIR, BuildCache, BuildState, Head, code_hash
from .config import CONFIG_NAME, Config, builtin_themes_dir
from .enrich import authors, topics
from .errors import Diagnostic, ErrorList, SiteError, Warn
from .load import load_paper
from .model import Paper, Site
from .outputs import search
from .plan import PlanInputs, plan
from .render import RouteRenderer, TemplateHashes, make_environment, make_loader
from .routes import (
    AREA,
    AUTHOR,
    AUTHOR_FEED,
    DAY,
    HOME,
    PAPER,
    PAPER_BIB,
    PAPERS_JSON,
    SITE_FEED,
    SITEMAP,
    TOPIC,
    TOPIC_BIB,
    TOPIC_FEED,
    Route,
)
from .search_index import SearchRecord
from .taxonomy import default_taxonomy_path
from .urls import Urls
from .validate import validate_sources
from .views import CardView, ViewStore
from .write import (
    Assets,
    Patch,
    Staging,
    collect_assets,
    output_build_id,
    patch_pays,
    replace_folder,
)

PARALLEL_FROM = 400  # routes to render before worker processes pay for themselves
# Files a preview in the browser never shows: a serve rebuild leaves them to its follow-up
# build (a taxonomy edit at 10,000 papers changes hundreds of feeds, half its render time).
BACKGROUND = frozenset({SITE_FEED, TOPIC_FEED, AUTHOR_FEED, TOPIC_BIB, PAPERS_JSON, SITEMAP})
# serve keeps the last build's cards (about 2 KB a paper) up to this many papers: 40 MB;
# build keeps them in the cache (12 MB at 10,000 papers, a quarter of a second to read).
CARD_MEMO_PAPERS = 20_000
# build reads the cached cards when its listings show at least this many papers (making a
# card costs about 1 ms; a one-paper edit re-lists a few hundred, a taxonomy edit thousands).
CARDS_FROM_CACHE = 1_000
LISTINGS = frozenset({HOME, TOPIC, DAY, AUTHOR, AREA})  # the pages that show paper cards
# serve: a rebuild with more pages than this to render (a site title or template edit renders
# every page; a taxonomy edit at 10,000 papers about 2,000) renders first the pages open in a
# browser and the pages new to the site, and leaves the rest to its follow-up build.
OPEN_FIRST_FROM = 300
# A file modified this recently may be modified again within the same timestamp tick, with
# the same size: its stat proves nothing yet, so it is read and hashed again next time (git's
# "racy clean" problem).
RACY_NS = 2_000_000_000
# Paper fields that never reach a page (where the file is, which lines hold what).
_NOT_SHOWN = {"path", "title_line", "abstract_line", "topics_from_file", "topic_weights"}


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
    # Share of papers with a topic other than the fallback (enrich/topics.taxonomy_fit).
    taxonomy_fit: float = 1.0


Progress = Callable[[int, int], None]  # (done, total) while rendering
_T = TypeVar("_T")
Cancel = Callable[[], None]  # raises to stop a build early (serve: a newer change is waiting)


def input_paths(config: Config) -> tuple[Path, ...]:
    """Every file or folder a build reads: a change to any of them can change the site."""
    paths = [
        config.config_file or config.site_dir / CONFIG_NAME,
        config.content_dir,
        config.templates_dir,
        config.static_dir,
        config.theme_dir,
        builtin_themes_dir() / "default",  # templates and assets fall back to it
    ]
    if config.topics_file is not None:
        paths.append(config.topics_file)
    paths.append(config.site_dir / authors.RULES_FILE)  # merges and splits of people, by hand
    return tuple(dict.fromkeys(paths))


@dataclass(frozen=True)
class Stamp:
    """A hash of the config, site-builder's code and (path, mtime, size, inode) of every input
    file: equal stamps mean equal inputs, so a no-op build can stop without reading a file.

    A file saved less than RACY_NS ago could be saved again within the same clock tick with
    the same size, unseen by its stat; ``racy`` holds such files' content hashes, and the
    stamp is trusted only once ``settled`` says they stood still while the build read them.
    """

    digest: str
    seen: tuple[tuple[str, int, int, int], ...]
    racy: Mapping[str, str]

    def settled(self, config: Config, code: str) -> str:
        """The digest, if nothing moved since it was taken and no file is racy any more."""
        if not self.racy:
            return self.digest
        now = input_stamp(config, code, hash_racy=False)
        if now.seen != self.seen or now.racy.keys() & self.racy.keys():
            return ""  # changed during the build, or still too new to trust
        for path, sha in self.racy.items():
            try:
                if hashlib.sha256(Path(path).read_bytes()).hexdigest() != sha:
                    return ""
            except OSError:
                return ""
        return self.digest


def input_stamp(config: Config, code: str, *, hash_racy: bool = True) -> Stamp:
    """The Stamp of the inputs as they are now."""
    now = time.time_ns()
    seen: list[tuple[str, int, int, int]] = []
    racy: dict[str, str] = {}
    package = Path(__file__).resolve().parent  # the packaged taxonomy, theme and data
    # What a build writes is no input, even if content_dir is the site folder itself.
    skip = {str(config.output_dir.resolve()), str((config.site_dir / CACHE_DIR).resolve())}
    for root in (*input_paths(config), package):
        for path in _files_under(root, skip):
            try:
                st = os.stat(path)
            except OSError:
                continue
            seen.append((path, st.st_mtime_ns, st.st_size, st.st_ino))
            if now - st.st_mtime_ns < RACY_NS:
                try:
                    racy[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest() if (
                        hash_racy) else ""  # fmt: skip
                except OSError:
                    racy[path] = ""
    return Stamp(_digest(repr(config), code, seen), tuple(seen), racy)


def _files_under(root: Path, skip: set[str]) -> Iterator[str]:
    if not root.is_dir():
        yield str(root)  # a file, or a missing one (which may appear)
        return
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs.sort()
        if Path(folder).name == "__pycache__" or os.path.realpath(folder) in skip:
            dirs[:] = []
            continue
        for name in sorted(files):
            yield os.path.join(folder, name)


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


@dataclass(frozen=True)
class _Last:
    """The last complete build's parts, kept in memory (serve) for Builder.preview."""

    config: Config
    site: Site
    taxonomy: Any
    keys: Mapping[str, str]
    env: Any
    paper_routes: Mapping[str, Route]
    routes: tuple[Route, ...]


class Builder:
    """Builds one site again and again, keeping the last build's state in memory (serve) and
    in the build cache on disk (the next ``site-builder build``)."""

    def __init__(self, site_dir: Path, *, use_cache: bool = True):
        self.cache = BuildCache(site_dir, enabled=use_cache)
        self.code = code_hash()
        self.state: BuildState | None = None
        self.last: _Last | None = None
        # In memory only (serve): paper -> fingerprint, and what related papers were made of.
        self._fingerprints: dict[tuple[Paper, tuple[str, ...]], str] = {}
        self._related_memo: Any = None
        # In memory only (serve): the last build's cards, by slug, with the fingerprint they
        # were made from, and what every card shares (base URL, topic slugs, math, author
        # pages). A rebuild that re-lists thousands of unchanged papers (a taxonomy edit
        # moves a few hundred between topics) reuses their cards instead of making each again.
        self._cards: dict[str, tuple[str, CardView]] = {}
        self._cards_for = ""

    def build(
        self,
        config: Config,
        *,
        strict: bool = False,
        jobs: int | None = None,
        progress: Progress | None = None,
        defer_global: bool = False,
        cancel: Cancel | None = None,
        open_pages: Collection[str] = (),
    ) -> BuildReport:
        """One build. ``defer_global`` (serve): reuse the last related-papers result when the
        texts changed, and say so in ``pending``; a follow-up build without it converges.
        ``open_pages`` (serve, with ``defer_global``): the files (``papers/x/index.html``) a
        browser shows, rendered first when the rebuild has many pages to render.
        ``cancel`` is called between steps and routes; what it raises stops the build, with
        output/ and the kept state as they were."""
        started = time.perf_counter()
        clock = _Clock()
        check = cancel or (lambda: None)
        out = config.output_dir
        # No-op: every input file has the stat it had when the last complete build read it.
        stamp = input_stamp(config, self.code)
        head = self.state.head if self.state is not None else self.cache.head()
        if (
            head is not None
            and head.stamp == stamp.digest
            and head.output_dir == str(out)
            and output_build_id(out) == head.output_id
            and not (strict and head.warnings)
        ):
            clock.lap("stamp")
            return BuildReport(head.papers, head.topics, head.pages, 0,
                               time.perf_counter() - started, head.warnings, out,
                               timings=dict(clock.laps),
                               taxonomy_fit=head.taxonomy_fit)  # fmt: skip
        clock.lap("stamp")
        previous = self.state if self.state is not None else self.cache.load()
        state = BuildState()

        # Config, every content file and the taxonomy, all checked before any stops the build.
        sources = validate_sources(config, _cached_parse(previous, state, cancel))
        papers, taxonomy, found = sources.papers, sources.taxonomy, sources.found
        if strict:
            found = found.strict()
        found.raise_errors()
        warnings: tuple[Diagnostic, ...] = found.warnings
        assert taxonomy is not None  # no errors above, so it loaded
        clock.lap("load")
        check()
        site = _assign_topics(papers, taxonomy, config, previous, state)
        fit = _fit(site)  # once: the report and the no-op record both carry it
        site, unused = _assign_authors(site, sources.author_rules, previous, state)
        if strict and unused:
            raise ErrorList(w.as_error() for w in unused)
        warnings += unused
        clock.lap("topics")
        check()
        pending: list[str] = []
        if config.related and config.related_count:
            mapping, fresh = self._related(site, config, previous, state, defer_global, cancel)
            site = replace(site, related=mapping)
            if fresh:
                state.related = (_related_key(site, config), dict(mapping))
            else:
                pending.append("related papers")
                state.related, state.related_memo = previous.related, previous.related_memo
        clock.lap("related")
        check()
        release_memory()

        assets = collect_assets(
            [config.theme_dir, builtin_themes_dir() / "default"], config.static_dir
        )
        asset_hashes = _asset_hashes(assets)
        memo = self._fingerprints
        fingerprints = {}
        for p in site.papers:
            by = site.paper_authors.get(p.slug, ())
            fp = memo.get((p, by)) or _fingerprint(p, site)
            fingerprints[p.slug] = fp
        if not self.cache.enabled:  # serve: the next rebuild reuses them
            self._fingerprints = {(p, site.paper_authors.get(p.slug, ())): fingerprints[p.slug]
                                  for p in site.papers}  # fmt: skip
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
                repr(replace(config, output_dir=Path())), sorted(assets.urls.items()), self.code
            ),
            asset_outputs=tuple(f.out for f in assets.files),
            user_static=frozenset(f.out for f in assets.files if not f.out.startswith("static/")),
            cancel=cancel,
        )
        routes = plan(site, inputs)
        clock.lap("plan")
        check()

        reuse = (
            bool(previous.output_id)
            and previous.output_dir == str(out)
            and output_build_id(out) == previous.output_id
        )
        todo = [r for r in routes if not reuse or previous.routes.get(r.output) != r.deps]
        held: list[Route] = []  # serve: files no preview shows, left to the follow-up build
        if defer_global and reuse:
            held = [r for r in todo if r.kind in BACKGROUND]
            if held:
                todo = [r for r in todo if r.kind not in BACKGROUND]
                pending.append("data files")
            if len(todo) > OPEN_FIRST_FROM:
                # A page output/ does not have yet would be a broken link until then.
                soon = set(open_pages).union(r.output for r in todo
                                             if r.output not in previous.routes)  # fmt: skip
                later = [r for r in todo if r.output not in soon]
                if later:
                    todo = [r for r in todo if r.output in soon]
                    held += later
                    pending.insert(0, f"{len(later):,} other pages")
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
        # What every card shares. A card's topic links are checked one by one below, so a
        # topic that gains its first paper or loses its last does not void every card.
        cards_for = _digest(u, config.math, config.site_dir, bool(site.authors))
        cached_cards = (
            self.cache.enabled
            and len(site.papers) <= CARD_MEMO_PAPERS
            and len({s for r in todo if r.kind in LISTINGS for s in r.papers}) >= CARDS_FROM_CACHE
        )
        kept = self._cards if self._cards_for == cards_for else {}
        if cached_cards:
            kept = self.cache.load_cards(cards_for)
        slugs = views.topic_slugs
        views.cards.update(
            (slug, card)
            for slug, (fp, card) in kept.items()
            if fingerprints.get(slug) == fp
            and all(slugs.get(t.name) == t.slug for t in card.topics)
        )
        del kept
        renderer = RouteRenderer(config, site, views, env, lambda: routes)
        state.routes = {r.output: r.deps for r in routes}
        for r in held:  # what output/ still holds of them, so the follow-up renders them
            if r.output in previous.routes:
                state.routes[r.output] = previous.routes[r.output]
            else:
                del state.routes[r.output]
        state.assets = asset_hashes
        state.output_dir = str(out)
        last = _Last(config, site, taxonomy, keys, env,
                     {r.subject: r for r in routes if r.kind == PAPER}, routes)  # fmt: skip

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
            state.head = _head(stamp.settled(config, self.code), state, site, routes, warnings, fit)
            self._keep(state, last)
            clock.lap("write")
            return self._report(site, routes, 0, 0, started, warnings, out, (), clock, fit)

        # The id names the output's content (every route and asset hash), so two builds of
        # the same sources write the same marker file, cold or incremental.
        build_id = _digest(sorted(state.routes.items()), sorted(asset_hashes.items()))
        changed, total = len(todo) + len(assets_todo), len(routes) + len(assets.files)
        patching = reuse and patch_pays(changed, total)
        staging: Staging | Patch = (
            Patch(out, build_id=build_id, built_for=built_for(config))
            if patching
            else Staging(out, reuse=reuse, build_id=build_id, built_for=built_for(config))
        )
        work: Path | None = None  # a search bundle made beside a patched output/
        try:
            for static in assets_todo:
                if static.data is not None:
                    staging.write(static.out, static.data)
                else:
                    staging.copy(static.source, static.out)
            clock.lap("assets")
            _render_all(renderer, views, todo, staging, jobs, progress, cancel)
            if cached_cards or (not self.cache.enabled and len(site.papers) <= CARD_MEMO_PAPERS):
                # the reused cards that still fit, and the ones made now
                made = {s: (fingerprints[s], c) for s, c in views.cards.items()
                        if s in fingerprints}  # fmt: skip
                if cached_cards:
                    self.cache.save_cards(cards_for, made)
                else:
                    self._cards, self._cards_for = made, cards_for
                del made
            views.forget_pages()  # every page is written: its cards are not needed again
            release_memory()
            clock.lap("render")
            problems = _problems(site, fingerprints, views, previous)
            found = tuple(w for ws in problems.values() for w in ws)
            warnings += found
            if strict and found:
                raise ErrorList(w.as_error() for w in found)
            records = _search_records(site, fingerprints, views, previous, state)
            finalize = search.finalizer(config, records)
            carried = staging.path / search.BUNDLE_DIR
            if finalize is not None and defer_global and reuse and carried.is_dir():
                # serve: the old index stands in until the follow-up build.
                finalize = None
                pending.append("search index")
                state.search = "stale"
            elif isinstance(staging, Patch) and finalize is not None:
                # Made beside output/ first (in a child a newer save can kill), then renamed
                # into place with the pages: output/ changes only once everything is ready.
                work = Path(tempfile.mkdtemp(prefix=".search-", dir=out))
                step = finalize
                killable(lambda: step(work), cancel)
                finalize = _install_search(work)
            elif finalize is not None and cancel is not None:
                step = finalize
                finalize = lambda folder: killable(lambda: step(folder), cancel)  # noqa: E731
            if reuse and not isinstance(staging, Patch):
                # The search step makes or reuses a whole bundle of its own.
                shutil.rmtree(carried, ignore_errors=True)
            check()
            if isinstance(staging, Patch):
                staging.commit(gone, finalize)
            else:
                if reuse:
                    staging.remove(gone)
                staging.finish(finalize, background=reuse)
            clock.lap("write")
        except BaseException:
            # serve's cancelled build: the save that cancelled it waits on this.
            staging.abort(background=cancel is not None)
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)
            raise
        state.output_id, state.problems = build_id, problems
        if not pending:
            state.head = _head(stamp.settled(config, self.code), state, site, routes, warnings, fit)
        self._keep(state, last)
        files = staging.files + len(gone)
        return self._report(site, routes, files, len(todo), started, warnings, out,
                            tuple(pending), clock, fit)  # fmt: skip

    def preview(self, config: Config, changed: Sequence[Path]) -> BuildReport | None:
        """serve's first answer to a save: when only paper files changed, and each keeps its
        slug, date and authors, render just those papers' pages into output/ (the listings,
        related papers and search index of the last build stand) and return at once. None
        when that does not apply; a full build is then due. Either way a normal build must
        follow: the pages written here are marked stale, so it renders them again."""
        started = time.perf_counter()
        last, state = self.last, self.state
        out = config.output_dir
        if last is None or state is None or last.config != config or not changed:
            return None
        if output_build_id(out) != state.output_id:
            return None
        by_slug = {p.slug: p for p in last.site.papers}
        updated: dict[str, Paper] = {}
        for path in changed:
            seen = state.files.get(_label(path, config.site_dir))
            old = seen[1] if seen is not None else None
            if old is None or old.slug not in by_slug or not path.is_file():
                return None
            try:
                paper, _found = load_paper(path, _label(path, config.site_dir))
            except SiteError:
                return None  # the full build reports it
            if (paper.slug, paper.date, paper.authors) != (old.slug, old.date, old.authors):
                return None  # the paper moves in listings or between authors: plan again
            updated[paper.slug] = paper
        if not updated:
            return None
        assigned = topics.assign(tuple(updated.values()), last.taxonomy, config.max_topics)
        updated = {p.slug: p for p in assigned.papers}
        site = replace(last.site, papers=tuple(updated.get(p.slug, p) for p in last.site.papers))
        views = ViewStore(site, Urls(config.base_path, config.base_url), math=config.math,
                          site_dir=config.site_dir, citation_keys=last.keys,
                          author_pages=bool(site.authors))  # fmt: skip
        renderer = RouteRenderer(config, site, views, last.env, lambda: last.routes)
        patch = Patch(out, build_id=state.output_id, built_for=built_for(config))
        for slug in updated:
            route = last.paper_routes[slug]
            patch.write(route.output, renderer.render(route))
        patch.commit()
        for slug in updated:  # these files now differ from what their deps say
            state.routes.pop(last.paper_routes[slug].output, None)
        state.head = None
        pending = ["pages listing it", "search index"]
        if config.related and config.related_count:
            pending.insert(1, "related papers")
        return BuildReport(
            papers=len(site.papers),
            topics=len(site.topics),
            pages=len(last.routes),
            files=len(updated),
            seconds=time.perf_counter() - started,
            warnings=(),
            output_dir=out,
            rendered=len(updated),
            pending=tuple(pending),
        )

    def _related(
        self,
        site: Site,
        config: Config,
        previous: BuildState,
        state: BuildState,
        defer: bool,
        cancel: Cancel | None,
    ) -> tuple[Mapping[str, tuple[str, ...]], bool]:
        """Related papers, reused when the texts are the same as last time. With ``defer`` and
        changed texts, the last result (minus papers that are gone) stands in for now."""
        key = _related_key(site, config)
        if previous.related is not None and previous.related[0] == key:
            state.related_memo = previous.related_memo
            return previous.related[1], True
        if defer and previous.related is not None:
            known = {p.slug for p in site.papers}
            stale = {
                slug: tuple(s for s in others if s in known)
                for slug, others in previous.related[1].items()
                if slug in known
            }
            return stale, False
        # numpy, scipy and scikit-learn: imported only by a build that needs them
        from .enrich import related_incremental

        # What the rows were last time (in memory for serve, in the cache for build), so an
        # edit rescores only what can change; with cancel (serve's follow-up), in a child
        # process that a newer save kills, never blocking it.
        memo = self._related_memo
        if memo is None and previous.related_memo is not None:
            memo = related_incremental.Memo.from_plain(previous.related_memo)
        papers, count = site.papers, config.related_count
        ignore = (site.fallback_topic,) if site.fallback_topic else ()
        mapping, memo = killable(
            lambda: related_incremental.related_papers(papers, count, memo, ignore), cancel
        )
        if self.cache.enabled:
            state.related_memo = memo.to_plain() if memo is not None else None
        else:
            self._related_memo = memo
        return mapping, True

    def _keep(self, state: BuildState, last: _Last) -> None:
        self.state = state
        self.last = last if not self.cache.enabled else None  # only serve previews
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
        fit: float,
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
            taxonomy_fit=fit,
        )


class _Clock:
    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self.last
        self.last = now


def release_memory() -> None:
    """Hand freed heap memory back to the system. glibc keeps what a large step (related
    papers, the paper pages) freed for reuse, and a worker forked later would count it
    again as its own; at 100,000 papers that is over 100 MB a process. A no-op off glibc."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def built_for(config: Config) -> str:
    """What the pages' links were made for: the site URL, or its path when it has none."""
    return config.base_url or config.base_path


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def _cached_parse(previous: BuildState, state: BuildState, cancel: Cancel | None = None):
    """A parse function for load_papers that reuses the last build's Paper for a file whose
    bytes are unchanged (and replays its warnings), and records every file for the next.
    A file whose (mtime, size, inode) is what it was is not even read: its stat stands for
    its bytes, unless it was modified too close to the last read to tell (RACY_NS)."""
    now = time.time_ns()

    def parse(path: Path, label: str) -> tuple[Paper, tuple[Diagnostic, ...]]:
        if cancel is not None:
            cancel()
        seen = previous.files.get(label)
        try:
            st = os.stat(path)
        except OSError:
            return load_paper(path, label)  # it reports the error
        stat = (st.st_mtime_ns, st.st_size, st.st_ino)
        trusted = now - st.st_mtime_ns >= RACY_NS
        if (
            seen is not None
            and seen[1] is not None
            and seen[1].path == path
            and previous.stats.get(label) == stat
        ):
            state.files[label] = seen
            state.stats[label] = stat
            return seen[1], seen[2]
        try:
            data = path.read_bytes()
        except OSError:
            return load_paper(path, label)
        sha = hashlib.sha256(data).hexdigest()
        if trusted:
            state.stats[label] = stat
        if seen is not None and seen[0] == sha and seen[1] is not None and seen[1].path == path:
            state.files[label] = seen
            return seen[1], seen[2]
        paper, found = load_paper(path, label)
        state.files[label] = (sha, paper, found, ())
        return paper, found

    return parse


def killable(work: Callable[[], _T], cancel: Cancel | None) -> _T:
    """``work()``; with ``cancel``, in a forked child that is killed as soon as ``cancel``
    raises (polled every few milliseconds), so a long computation never holds up what
    cancelled it. The result comes back pickled."""
    can_fork = "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
    if cancel is None or not can_fork:
        return work()
    context = multiprocessing.get_context("fork")
    release_memory()  # what each worker inherits, it counts again
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, send), daemon=True)
    child.start()
    send.close()
    try:
        while not receive.poll(0.01):
            cancel()
            if not child.is_alive() and not receive.poll():
                raise SiteError(f"a build step's process died (exit code {child.exitcode})")
        ok, value = receive.recv()
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if not ok:
        raise SiteError(f"a build step failed: {value}")
    return value


def _child(work: Callable[[], Any], send: Any) -> None:
    try:
        result: tuple[bool, Any] = (True, work())
    except BaseException as exc:  # reported by the parent, which raises
        result = (False, "".join(traceback.format_exception_only(exc)).strip())
    send.send(result)
    send.close()


def _label(path: Path, site_dir: Path) -> str:
    """A content file's name in messages and in the cache, as load.py gives it."""
    try:
        return str(path.relative_to(site_dir))
    except ValueError:
        return str(path)


def _head(
    stamp: str,
    state: BuildState,
    site: Site,
    routes: Sequence[Route],
    warnings: tuple,
    fit: float,
) -> Head | None:
    if not stamp:
        return None
    return Head(stamp, state.output_id, state.output_dir, len(site.papers), len(site.topics),
                len(routes), tuple(warnings), fit)  # fmt: skip


def _fit(site: Site) -> float:
    return topics.taxonomy_fit(site.papers, (site.fallback_topic,))


def _install_search(work: Path) -> Callable[[Path], None]:
    """The last step of a patched build: the bundle made in ``work`` replaces output/'s."""

    def run(site_dir: Path) -> None:
        try:
            made = work / search.BUNDLE_DIR
            if made.is_dir():
                replace_folder(made, site_dir / search.BUNDLE_DIR)
            else:
                shutil.rmtree(site_dir / search.BUNDLE_DIR, ignore_errors=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    return run


def _taxonomy_key(config: Config) -> str:
    path = config.topics_file or default_taxonomy_path()
    try:
        data = Path(path).read_bytes()
    except OSError:
        data = b""
    return _digest(data, config.max_topics)


def _assign_topics(
    papers: tuple[Paper, ...],
    taxonomy: Any,
    config: Config,
    previous: BuildState,
    state: BuildState,
) -> Site:
    """topics.assign, with the taxonomy's answer for a paper whose topic signals (title,
    abstract, keywords, categories) are unchanged taken from the last build: such a paper is
    handed to assign as if its file named those topics, then marked as not from the file.
    When that makes assign's whole input what it was last time, its output is reused too."""
    key = _taxonomy_key(config)
    memo = previous.topic_memo if previous.topic_key == key else {}
    given: list[Paper] = []
    hits: list[bool] = []
    for p in papers:
        got = None if p.topics_from_file else memo.get(_topic_signals(p))
        hits.append(got is not None)
        given.append(
            p
            if got is None
            else replace(p, topics=got[0], topic_weights=got[1], topics_from_file=True)
        )
    state.topic_key = key
    whole = None
    if all(hit or p.topics_from_file for p, hit in zip(papers, hits, strict=True)):
        whole = _digest(key, [(p.slug, p.topics) for p in given])
    if whole is not None and previous.topic_site is not None and previous.topic_site[0] == whole:
        _key, names, kept = previous.topic_site
        done = tuple(
            replace(p, topics=t, topics_from_file=False)
            if hit
            else (p if p.topics == t else replace(p, topics=t))
            for p, hit, t in zip(given, hits, names, strict=True)
        )
        state.topic_memo = memo
        state.topic_site = previous.topic_site
        return replace(kept, papers=done)
    site = topics.assign(tuple(given), taxonomy, config.max_topics)
    done = tuple(
        replace(p, topics_from_file=False) if hit else p
        for p, hit in zip(site.papers, hits, strict=True)
    )
    state.topic_memo = {
        _topic_signals(p): (p.topics, p.topic_weights) for p in done if not p.topics_from_file
    }
    if whole is None:  # now every paper's answer is known: the next build can tell
        whole = _digest(key, [(p.slug, p.topics) for p in site.papers])
        # (the papers' topics after assign are canonical: assign gives them back unchanged)
    state.topic_site = (whole, tuple(p.topics for p in done), replace(site, papers=()))
    return replace(site, papers=done)


def _topic_signals(p: Paper) -> tuple[Any, ...]:
    return (p.title, p.abstract, p.keywords, p.categories)


def _assign_authors(
    site: Site, rules: authors.AuthorRules, previous: BuildState, state: BuildState
) -> tuple[Site, tuple[Warn, ...]]:
    """enrich/authors, reused whole when no byline and no rule changed."""
    key = _digest([(p.slug, p.authors) for p in site.papers], repr(rules))
    if previous.authors is not None and previous.authors[0] == key:
        _key, people, by_paper, unused = previous.authors
        state.authors = previous.authors
        return replace(site, authors=people, paper_authors=by_paper), unused
    site = authors.assign_authors(site, rules)
    unused = tuple(authors.check_author_rules(site, rules))
    state.authors = (key, site.authors, dict(site.paper_authors), unused)
    return site, unused


def _fingerprint(paper: Paper, site: Site) -> str:
    """A hash of everything a page or card can show of a paper."""
    shown = tuple(getattr(paper, f.name) for f in fields(paper) if f.name not in _NOT_SHOWN)
    return _digest(shown, site.paper_authors.get(paper.slug, ()))


def _related_key(site: Site, config: Config) -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(
        f"{config.related_count}|site_builder.enrich.related|{site.fallback_topic}".encode()
    )
    for p in site.papers:
        shown = (p.slug, p.title, p.abstract, p.authors, p.topics, p.topic_weights)
        digest.update(repr(shown).encode() + b"\0")
    return digest.hexdigest()


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
    staging: Staging | Patch,
    jobs: int | None,
    progress: Progress | None,
    cancel: Cancel | None = None,
) -> None:
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    can_fork = "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
    # Paper pages first: rendering them makes every card, which the listings then share.
    first = [r for r in todo if r.kind in (PAPER, PAPER_BIB)]
    rest = [r for r in todo if r.kind not in (PAPER, PAPER_BIB)]
    if workers <= 1 or len(todo) < PARALLEL_FROM or not can_fork:
        for i, route in enumerate(first + rest, 1):
            if cancel is not None:
                cancel()
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
        for result in _in_workers(renderer, staging, batch, workers, keep_cards, cancel):
            count, cards, problems, titles, records = result
            views.adopt(cards, records, titles, problems)
            if not isinstance(staging, Patch):  # a patch counts its files as it commits
                staging.files += count
            done += count
            if cancel is not None:
                cancel()
            if progress:
                progress(done, len(todo))
        if isinstance(staging, Patch):  # the workers wrote these under the patch's names
            staging.adopt(r.output for r in batch)


_Result = tuple[
    int,
    dict[str, CardView],
    dict[str, tuple[Warn, ...]],
    dict[str, Any],
    dict[str, SearchRecord],
]


def _in_workers(
    renderer: RouteRenderer,
    staging: Staging | Patch,
    batch: list[Route],
    workers: int,
    keep: bool,
    cancel: Cancel | None = None,
) -> Iterator[_Result]:
    # Cancelling waits for a chunk: a chunk of 500 listings takes seconds, 100 a fraction.
    size = max(50, min(100 if cancel else 500, len(batch) // (workers * 8) or 1))
    chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
    context = multiprocessing.get_context("fork")
    # fork: the workers inherit the renderer, views and staging folder; nothing is pickled
    # on the way in, and only small results (cards, warnings) come back.
    init = (renderer, staging, keep)
    pool = context.Pool(workers, initializer=_worker_init, initargs=init)
    finished = False
    try:
        for result in pool.imap(_worker_render, chunks):
            if isinstance(result, _Failure):
                raise result.error()
            yield result
        finished = True
    finally:
        # All done: let the workers take their stop sentinel and exit (terminating them
        # raced with a worker still starting up and could hang `serve` for good). Otherwise
        # (an error, a cancel) stop them now.
        if finished:
            pool.close()
        else:
            pool.terminate()
        pool.join()


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


def _worker_init(renderer: RouteRenderer, staging: Staging | Patch, keep: bool) -> None:
    # A worker inherits the parent's signal handlers (serve turns SIGTERM into
    # KeyboardInterrupt): a worker must simply die when the pool terminates it, and leave
    # Ctrl-C to the parent.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(renderer=renderer, staging=staging, keep=keep)


def _worker_render(chunk: list[Route]) -> _Result | _Failure:
    renderer: RouteRenderer = _WORKER["renderer"]
    staging: Staging | Patch = _WORKER["staging"]
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
