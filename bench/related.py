"""Time and peak memory of related_papers() on large synthetic collections.

    /tmp/venv/bin/python bench/related.py                    # 10k and 100k papers
    /tmp/venv/bin/python bench/related.py --sizes 1000,10000 --count 5 --json out.json

The papers come from the 51 real titles and abstracts (bench/papers.py read_sources), with
their vocabulary shuffled so that a large collection has a large vocabulary and real
neighbourhoods rather than 2000 copies of each abstract:

- every paper belongs to a "field" of about 50 papers; a field renames a share of the content
  words it uses to field-specific variants ("diffusion" -> "diffusionq7"), so papers of one
  field share rare terms the way papers on one subject do;
- each paper also renames a few words of its own (typos, names, new terms: the long tail), drops
  a fifth of its words and rotates its sentences, so no two papers have the same text.

Each size runs in its own child process, so its peak RSS (the kernel's ru_maxrss for that
process) is its own. Reported: wall-clock and CPU seconds of related_papers() alone (papers
already in memory, scikit-learn already imported), the child's peak RSS before the call
(interpreter, imports, the synthetic papers) and after it; their difference is what the call
itself needed at its peak. --tracemalloc adds the peak of Python-tracked allocations (numpy,
scipy and scikit-learn buffers and Python objects) but slows the tokenizer down a lot.

On a shared machine the wall-clock time depends on the load (printed as load average); the CPU
time much less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import multiprocessing
import os
import platform
import random
import re
import resource
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]

from papers import read_sources  # noqa: E402  (bench/papers.py, beside this file)

from site_builder.enrich.related import related_papers, stop_words  # noqa: E402
from site_builder.model import Paper  # noqa: E402

FIELD_SIZE = 50  # papers per synthetic field
FIELD_RENAME = 0.35  # share of a field's content words renamed to field variants
OWN_RENAME = 0.05  # share of a paper's words renamed to words only it (or few) use
DROP = 0.2  # share of words dropped from each copy
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_STOP = frozenset(stop_words())


def synthetic_papers(size: int, seed: int) -> list[Paper]:
    sources = read_sources(REPO)
    rng = random.Random(seed)
    fields = max(1, size // FIELD_SIZE)
    papers = []
    for i in range(size):
        src = sources[i % len(sources)] if i < len(sources) else rng.choice(sources)
        field = rng.randrange(fields)
        frng = random.Random(f"{seed}:{field}")
        # The field's renaming is a pure function of (field, word): stable across its papers.
        salt = frng.randrange(1 << 30)

        def rename(match: re.Match[str], field: int = field, salt: int = salt) -> str:
            word = match.group(0)
            low = word.lower()
            if low in _STOP:
                return word
            if zlib.crc32(f"{salt}:{low}".encode()) < FIELD_RENAME * 2**32:
                return f"{word}f{field}"
            if rng.random() < OWN_RENAME:
                return f"{word}x{rng.randrange(1_000_000)}"
            return word

        sentences = re.split(r"(?<=[.!?])\s+", src.abstract)
        shift = rng.randrange(len(sentences))
        sentences = sentences[shift:] + sentences[:shift]
        words = " ".join(sentences).split()
        kept = " ".join(w for w in words if rng.random() >= DROP)
        papers.append(
            Paper(
                slug=f"paper-{i:06d}",
                title=_WORD.sub(rename, src.title),
                date=dt.date(2026, 3, 11),
                abstract=_WORD.sub(rename, kept),
            )
        )
    return papers


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(size: int, count: int, seed: int, trace: bool, queue: multiprocessing.Queue) -> None:
    papers = synthetic_papers(size, seed)
    import sklearn.feature_extraction.text  # noqa: F401  (its import is not what we measure)

    gc.collect()
    rss_before = _rss_mib()
    if trace:
        tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    related = related_papers(papers, count)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
    tracemalloc.stop()
    rss_peak = _rss_mib()
    # The only ground truth the generator knows is the field: how often neighbours share it.
    fields = {p.slug: set(re.findall(r"f(\d+)\b", p.title + " " + p.abstract)) for p in papers}
    pairs = [(slug, other) for slug, picks in related.items() for other in picks]
    same = sum(bool(fields[a] & fields[b]) for a, b in pairs)
    queue.put(
        {
            "papers": size,
            "count": count,
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu_seconds, 2),
            "rss_before_mib": round(rss_before, 1),
            "rss_peak_mib": round(rss_peak, 1),
            "rss_growth_mib": round(rss_peak - rss_before, 1),
            "traced_peak_mib": round(traced, 1) if traced is not None else None,
            "with_related": sum(1 for picks in related.values() if picks),
            "same_field_share": round(same / len(pairs), 3) if pairs else None,
            "load1_after": round(os.getloadavg()[0], 2),
        }
    )


def run(size: int, count: int, seed: int, trace: bool) -> dict:
    ctx = multiprocessing.get_context("spawn")  # a fresh process: its own peak RSS
    queue = ctx.Queue()
    child = ctx.Process(target=measure, args=(size, count, seed, trace, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="paper counts, comma-separated")
    parser.add_argument("--count", type=int, default=5, help="related papers per paper")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also report the peak of Python-tracked allocations (makes the run slower)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    results = []
    header = ("papers", "seconds", "CPU s", "RSS before", "RSS peak", "growth", "traced")
    print("{:>8} {:>8} {:>8} {:>11} {:>9} {:>8} {:>8}".format(*header))
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.count, args.seed, args.tracemalloc)
        results.append(r)
        traced = "-" if r["traced_peak_mib"] is None else r["traced_peak_mib"]
        print(
            f"{r['papers']:>8} {r['seconds']:>8} {r['cpu_seconds']:>8} "
            f"{r['rss_before_mib']:>11} {r['rss_peak_mib']:>9} {r['rss_growth_mib']:>8} "
            f"{traced:>8}   (MiB; same-field neighbours {r['same_field_share']}, "
            f"load {r['load1_after']})",
            flush=True,
        )
    if args.json:
        facts = {
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
        }
        args.json.write_text(json.dumps({"machine": facts, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
