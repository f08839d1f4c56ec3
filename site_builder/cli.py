"""Command line. The only place that prints errors and decides exit codes.

Exit codes: 0 ok, 1 content or config errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import Diagnostic, ErrorList, SiteError

if TYPE_CHECKING:
    from .config import Config

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def _iso_day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2024-01-31") from None


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def _column(value: str) -> tuple[str, str]:
    from .sources.tabular import FIELDS

    name, sep, column = value.partition("=")
    if not sep or not column.strip():
        raise argparse.ArgumentTypeError(f"{value!r}: write FIELD=COLUMN, e.g. abstract=Summary")
    if name not in FIELDS:
        raise argparse.ArgumentTypeError(f"{name!r} is not a field; one of {', '.join(FIELDS)}")
    return name, column.strip()


def _parser() -> argparse.ArgumentParser:
    from .sources.registry import FORMAT_NAMES

    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Build a website for browsing research papers.",
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    parser.add_argument(
        "--site", type=Path, default=Path("."), metavar="DIR", help="the site folder (default: .)"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = sub.add_parser(
        "ingest",
        help="turn paper lists (arXiv, BibTeX, CSL-JSON, OpenReview, …) into content files",
    )
    ingest.add_argument(
        "sources",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="source files; the format of each is detected from its content",
    )
    ingest.add_argument(
        "--format",
        dest="format_name",
        choices=FORMAT_NAMES,
        help="read every FILE as this format instead of detecting it",
    )
    ingest.add_argument(
        "--category",
        action="append",
        default=[],
        metavar="CAT",
        help="keep only papers in this category, e.g. cs.LG or cs (repeatable; arXiv snapshot, "
        "CSV, JSON Lines)",
    )
    ingest.add_argument(
        "--since",
        type=_iso_day,
        metavar="YYYY-MM-DD",
        help="keep only papers dated on or after this day (arXiv snapshot, CSV, JSON Lines)",
    )
    ingest.add_argument(
        "--limit",
        type=_positive,
        metavar="N",
        help="stop after N papers kept (arXiv snapshot, CSV, JSON Lines)",
    )
    ingest.add_argument(
        "--column",
        action="append",
        default=[],
        type=_column,
        metavar="FIELD=NAME",
        help="CSV / JSON Lines: read FIELD (title, abstract, authors, date, …) from column NAME",
    )
    ingest.add_argument(
        "--year",
        type=int,
        help="year for dates written without one, like 'Mar 11' (default: "
        "the 'year' setting, else this year)",
    )
    ingest.add_argument("--strict", action="store_true", help="treat warnings as errors")
    ingest.add_argument("-q", "--quiet", action="store_true", help="print only the summary")

    build = sub.add_parser("build", help="build the site into output/")
    build.add_argument("--base-url", help="where the site will be published (overrides site.yaml)")
    build.add_argument("--output", type=Path, metavar="DIR", help="build here instead of output/")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument(
        "--jobs", type=int, metavar="N", help="worker processes for rendering (default: all cores)"
    )
    build.add_argument(
        "--no-cache",
        action="store_true",
        help="ignore the build cache and build everything (the cache is refreshed)",
    )
    build.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    serve = sub.add_parser("serve", help="preview the site with live reload")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to try first (default: 8000)")
    serve.add_argument("--base-url", help="serve under this URL's path, as published")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")

    new = sub.add_parser("new", help="start a new site in DIR, ready to publish on GitHub Pages")
    new.add_argument("folder", type=Path, metavar="DIR", help="a new or empty folder ('.' works)")
    new.add_argument("--title", help="the site's title (default: from the folder name)")
    new.add_argument(
        "--from",
        dest="spec",
        metavar="SPEC",
        help="the site-builder the Pages workflow installs: a pip requirement or a git URL",
    )

    check = sub.add_parser("check", help="check the built site: links, ids, alt text, feeds")
    check.add_argument("--base-url", help="the URL it was built for (overrides site.yaml)")
    check.add_argument("--output", type=Path, metavar="DIR", help="check here, not output/")

    topics = sub.add_parser("topics", help="work with the topic taxonomy")
    topics_sub = topics.add_subparsers(dest="topics_command", required=True, metavar="ACTION")
    suggest = topics_sub.add_parser(
        "suggest", help="cluster the papers into a draft taxonomy to edit (for other fields)"
    )
    suggest.add_argument("--topics", type=int, metavar="N", help="how many topics (default: auto)")
    suggest.add_argument(
        "--output", type=Path, metavar="FILE", help="write the draft here (default: print it)"
    )
    explain = topics_sub.add_parser(
        "explain",
        help="why papers get their topics: scores and keyword hits (no paper: counts per topic)",
    )
    explain.add_argument(
        "papers", nargs="*", metavar="PAPER", help="a paper's slug or content file (any number)"
    )
    return parser


# Warnings of one kind in one file shown in full before the rest are summed up: a dump of
# 10,000 undated records should not print 10,000 identical lines over the one that matters.
SHOWN_ALIKE = 3


def _print_warnings(warnings: Sequence[Diagnostic]) -> None:
    """Each warning on its own line, except that past SHOWN_ALIKE warnings with the same
    file and message, one line counts the rest and names their first and last line."""
    alike: dict[tuple[str | None, str, str | None], list[Diagnostic]] = {}
    for w in warnings:
        alike.setdefault((w.path, w.message, w.hint), []).append(w)
    shown: dict[tuple[str | None, str, str | None], int] = {}
    for w in warnings:
        key = (w.path, w.message, w.hint)
        shown[key] = shown.get(key, 0) + 1
        group = alike[key]
        if len(group) <= SHOWN_ALIKE or shown[key] <= SHOWN_ALIKE:
            print(f"warning: {w}", file=sys.stderr)
        elif shown[key] == SHOWN_ALIKE + 1:
            rest = group[SHOWN_ALIKE:]
            lines = [d.line for d in rest if d.line is not None]
            span = f" (lines {lines[0]}-{lines[-1]})" if len(lines) > 1 else ""
            where = f"{w.path}: " if w.path else ""
            print(f"warning: {where}{len(rest)} more like this: {w.message}{span}", file=sys.stderr)


def _ingest(args: argparse.Namespace) -> int:
    from .config import load_config
    from .ingest import ingest

    config = load_config(args.site)
    if args.year is not None and not 1900 <= args.year <= 2999:
        print("error: --year must be a four-digit year", file=sys.stderr)
        return EXIT_USAGE
    report = ingest(
        args.sources,
        config,
        year=args.year,
        format_name=args.format_name,
        category=args.category,
        since=args.since,
        limit=args.limit,
        columns=args.column,
        strict=args.strict,  # warnings raised as errors before anything is written
    )
    _print_warnings(report.warnings)
    if not args.quiet:
        for note in report.duplicates + report.renamed:
            print(note)
        for rel in report.kept_edited:
            print(f"kept {rel}: edited by hand, not overwritten")
        for rel in report.kept_deleted:
            print(f"skipped {rel}: deleted by hand, not recreated")
        for rel in report.added:
            print(f"added {rel}")
        for rel in report.updated:
            print(f"updated {rel}")
    print(f"ingest {', '.join(str(p) for p in args.sources)}: {report.summary()}")
    return EXIT_OK


def _overrides(args: argparse.Namespace) -> dict[str, object]:
    """The --base-url and --output flags of build and check, as settings."""
    overrides: dict[str, object] = {}
    if args.base_url is not None:
        overrides["base_url"] = args.base_url
    if args.output is not None:
        overrides["output_dir"] = str(args.output.resolve())
    return overrides


def _config(args: argparse.Namespace) -> Config:
    """site.yaml with the flags applied."""
    from .config import load_config

    return load_config(args.site, _overrides(args))


def _build_config(args: argparse.Namespace) -> Config:
    """site.yaml for a build. When it is wrong, the content files and the taxonomy are still
    read (the wrong settings at their defaults), so one run lists every error of all three."""
    from .config import check_config
    from .validate import validate_sources

    config, found = check_config(args.site, _overrides(args))
    if found.ok:
        return config
    more = validate_sources(config).found
    raise ErrorList([*found.errors, *more.errors])


def _build(args: argparse.Namespace) -> int:
    from .build import build
    from .enrich.topics import poor_fit_note

    config = _build_config(args)
    if args.jobs is not None and args.jobs < 1:
        print("error: --jobs must be 1 or more", file=sys.stderr)
        return EXIT_USAGE
    with progress_bar(quiet=args.quiet) as progress:
        report = build(
            config,
            strict=args.strict,
            jobs=args.jobs,
            use_cache=not args.no_cache,
            progress=progress,
        )
    _print_warnings(report.warnings)
    note = poor_fit_note(report.taxonomy_fit, report.papers)
    if note:
        print(note, file=sys.stderr)
    where = config.base_url or config.base_path
    print(
        f"built {report.papers} papers, {report.topics} topics, {report.pages} pages "
        f"({report.rendered} rendered, the rest unchanged) into {report.output_dir} "
        f"in {report.seconds:.2f}s (site at {where})"
    )
    return EXIT_OK


@contextlib.contextmanager
def progress_bar(quiet: bool = False) -> Iterator[Callable[[int, int], None] | None]:
    """A tqdm bar on stderr for the rendering of a long build: it shows only after 2 s, and
    never when stderr is not a terminal (CI logs, pipes) or with -q."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    bar = tqdm(total=0, unit="page", delay=2.0, leave=False, file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    if not 0 < args.port < 65536:
        print("error: --port must be between 1 and 65535", file=sys.stderr)
        return EXIT_USAGE
    return serve(
        args.site, host=args.host, port=args.port, base_url=args.base_url, open_browser=args.open
    )


def _new(args: argparse.Namespace) -> int:
    from .new import create_site, next_steps

    created = create_site(args.folder, title=args.title, spec=args.spec)
    print(next_steps(created))
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from .check import check_site
    from .config import normalise_base_url
    from .errors import ConfigError
    from .write import MARKER, output_built_for

    config = _config(args)
    if not (config.output_dir / "index.html").is_file():
        print(
            f"error: no built site in {config.output_dir}; run site-builder build first",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    base_path, base_url = config.base_path, config.base_url
    # Without --base-url, the site is checked as it was built (`build --base-url` often
    # differs from site.yaml); a site built before the marker said so, as site.yaml says.
    built = output_built_for(config.output_dir)
    if args.base_url is None and built and built != (base_url or base_path):
        try:
            base_url, base_path = normalise_base_url(
                "" if built == "/" else built, config.output_dir / MARKER, None
            )
        except ConfigError:
            pass  # a marker edited by hand: keep site.yaml's
        else:
            print(f"checking as built, for {built} (site.yaml says {config.base_url or '/'})")
    report = check_site(config.output_dir, base_path, base_url)
    for problem in report.problems:
        print(problem)
    print(f"check {config.output_dir}: {report.summary()}")
    return EXIT_OK if report.ok else EXIT_ERRORS


def _topics(args: argparse.Namespace) -> int:
    if args.topics_command == "explain":
        return _topics_explain(args)
    return _topics_suggest(args)


def _first_line(path: Path) -> str:
    """A file's first line (a copied taxonomy keeps the default's heading), '' if unreadable."""
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _topics_explain(args: argparse.Namespace) -> int:
    from .config import load_config
    from .explain import explain_paper, find_papers, newer_default_topics, summary
    from .load import load_papers
    from .taxonomy import default_taxonomy_path, load_taxonomy

    config = load_config(args.site)
    papers, warnings = load_papers(config)
    _print_warnings(warnings)
    taxonomy = load_taxonomy(config.topics_file)
    if not args.papers:
        print(summary(papers, taxonomy, config.max_topics))
        if config.topics_file is not None and _first_line(config.topics_file) == _first_line(
            default_taxonomy_path()
        ):
            note = newer_default_topics(taxonomy, load_taxonomy())
            if note:
                print(f"\n{note}")
        return EXIT_OK
    try:
        chosen = find_papers(papers, args.papers, config.site_dir)
    except KeyError as missing:
        print(f"error: no paper with the slug or file {missing}", file=sys.stderr)
        return EXIT_ERRORS
    texts = [explain_paper(p, taxonomy, config.max_topics, config.site_dir) for p in chosen]
    print("\n\n".join(texts))
    return EXIT_OK


def _topics_suggest(args: argparse.Namespace) -> int:
    from .config import load_config
    from .load import load_papers
    from .suggest import draft_yaml, suggest, topic_count

    if args.topics is not None and args.topics < 1:
        print("error: --topics must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    if args.output is not None and args.output.exists():
        # A draft is meant to be edited by hand: never overwrite one.
        print(f"error: {args.output} exists; choose another --output", file=sys.stderr)
        return EXIT_ERRORS
    # A draft does not use the taxonomy: a site.yaml whose topics_file is the draft being
    # written again (deleted to start over) must not stop it.
    papers, warnings = load_papers(load_config(args.site, {"topics_file": ""}))
    _print_warnings(warnings)
    if len(papers) < 2:
        print("error: topics suggest needs at least 2 papers in content/", file=sys.stderr)
        return EXIT_ERRORS
    wanted = topic_count(len(papers), args.topics)
    # Tens of seconds at 10k papers, a minute or more at 100k: say what is happening.
    print(f"clustering {len(papers)} papers into up to {wanted} topics…", file=sys.stderr)
    try:
        drafts = suggest(papers, args.topics)
    except ValueError as exc:  # nothing to cluster on: said plainly, not as a traceback
        print(f"error: topics suggest: {exc}", file=sys.stderr)
        return EXIT_ERRORS
    text = draft_yaml(papers, drafts)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    partial = args.output.with_name(args.output.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(args.output)
    print(f"wrote {len(drafts)} draft topics from {len(papers)} papers to {args.output}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # exits with 2 on usage errors
    commands = {"ingest": _ingest, "build": _build, "serve": _serve, "new": _new, "check": _check}
    commands["topics"] = _topics
    try:
        return commands[args.command](args)
    except SiteError as exc:
        if args.debug:
            traceback.print_exc()
        errors = exc.diagnostics
        for err in errors:
            print(f"error: {err}", file=sys.stderr)  # path:line:col: message (hint)
        if len(errors) > 1:
            print(f"{len(errors)} errors; nothing was written", file=sys.stderr)
        else:
            print("nothing was written", file=sys.stderr)
        return EXIT_ERRORS
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`site-builder topics explain | head`): not an error of ours.
        # Point stdout at /dev/null so that Python's own flush at exit stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
