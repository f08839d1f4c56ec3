"""cite.py: entries that parse back, whatever the title, with stable unique keys."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import bibtexparser
import pytest
from bibcheck import latex_to_text

from site_builder import cite
from site_builder.model import Paper

HOSTILE_TITLES = [
    r"Unbalanced { brace and } closing } twice",
    r"A \textbf{bold} claim with $\alpha_1$ math & 100% more #hashtags ~ ^_^",
    r"Backslash at the end \\",
    r"}{ @misc{evil, title={x}} %comment",
    "Ünïcödé naïve café — 🎵 ∑ x_i, 東京, RTL \u202etxt",
    '"Quoted" title, with = sign and , commas',
]


def paper(title: str = "A title", slug: str = "a-title", **kw) -> Paper:
    return Paper(slug=slug, title=title, date=dt.date(2024, 3, 11), abstract="", **kw)


def parse_one(text: str) -> bibtexparser.model.Entry:
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len(library.entries) == 1
    return library.entries[0]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_parse_back_to_the_same_text(title: str) -> None:
    text = cite.bib_file([cite.entry(paper(title), "key2024-abcd")])
    entry = parse_one(text)
    assert entry.key == "key2024-abcd"
    raw = entry["title"]
    assert raw.startswith("{") and raw.endswith("}")  # capitals protected
    depth = 0
    for ch in raw:  # BibTeX counts every brace, escaped or not: they must balance
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert latex_to_text(raw) == title


def test_control_characters_are_dropped_and_spaces_folded() -> None:
    assert cite.escape("a\x00b\x1b[31m  c\n d") == "ab[31m c d"


def test_entry_fields_for_a_fully_known_paper() -> None:
    p = paper(
        "DDSP: Differentiable Digital Signal Processing",
        authors=("Jesse Engel", "Lamtharn Hantrakul"),
        arxiv="2001.04643",
        doi="10.48550/arXiv.2001.04643",
    )
    entry = parse_one(cite.entry(p, "engel2024-0001", "https://u.github.io/repo/papers/a/"))
    assert entry.entry_type == "misc"
    assert entry["title"] == "{DDSP: Differentiable Digital Signal Processing}"
    assert entry["author"] == "Jesse Engel and Lamtharn Hantrakul"
    assert entry["year"] == "2024"
    assert entry.fields_dict["month"].value == "mar"  # the standard month macro, unbraced
    assert entry["url"] == "https://u.github.io/repo/papers/a/"
    assert entry["eprint"] == "2001.04643"
    assert entry["archiveprefix"] == "arXiv"
    assert entry["doi"] == "10.48550/arXiv.2001.04643"


def test_unknown_fields_are_left_out() -> None:
    entry = parse_one(cite.entry(paper(), "k"))
    assert set(entry.fields_dict) == {"title", "year", "month"}


def test_author_names_with_and_or_specials_stay_one_name() -> None:
    field = cite.author_field(["Ann Lee", "Research and Development Lab", "Ø. O'Neil & Co", ""])
    assert field == r"Ann Lee and {Research and Development Lab} and Ø. O'Neil \& Co"
    entry = parse_one(cite.entry(paper(authors=("Ann Lee", "Sand Andersen")), "k"))
    assert entry["author"] == "Ann Lee and Sand Andersen"  # 'and' inside a word is no separator


def test_verbatim_fields_cannot_break_out_of_their_braces() -> None:
    p = paper(doi="10.1000/x}, title={pwned", arxiv="2001.0 4643\\")
    entry = parse_one(cite.entry(p, "k"))
    assert entry["doi"] == "10.1000/x%7D,title=%7Bpwned"
    assert entry["eprint"] == "2001.04643%5C"
    assert entry["title"] == "{A title}"


def test_keys_are_ascii_and_name_the_first_author_or_title_word() -> None:
    papers = [
        paper("On the Müller Effect", "muller", authors=("José Núñez-García",)),
        paper("On the Origin of Species", "origin"),
        paper("Learning, fast", "learning", authors=("Smith, John",)),
        paper("東京", "tokyo"),
    ]
    keys = cite.citation_keys(papers)
    assert keys["muller"].startswith("nunezgarcia2024-")
    assert keys["origin"].startswith("origin2024-")
    assert keys["learning"].startswith("smith2024-")
    assert keys["tokyo"].split("-")[0] in ("dongjing2024", "paper2024")
    for key in keys.values():
        assert key.isascii() and key.replace("-", "").isalnum()


def test_keys_are_stable_when_papers_are_added() -> None:
    few = [paper(f"Paper {i}", f"paper-{i}") for i in range(5)]
    more = few + [paper(f"Paper {i}", f"paper-{i}") for i in range(5, 50)]
    before, after = cite.citation_keys(few), cite.citation_keys(more)
    assert all(after[slug] == key for slug, key in before.items())


def test_keys_that_would_clash_get_a_longer_hash() -> None:
    # Find two slugs whose hashes share the first 4 hex digits: same stem, same year.
    seen: dict[str, str] = {}
    for i in itertools.count():
        slug = f"paper-{i}"
        prefix = hashlib.sha256(slug.encode()).hexdigest()[:4]
        if prefix in seen:
            pair = (seen[prefix], slug)
            break
        seen[prefix] = slug
    papers = [paper("Same words", s) for s in pair] + [paper("Same words", "other")]
    keys = cite.citation_keys(papers)
    assert len(set(keys.values())) == 3
    assert len(keys[pair[0]].split("-")[1]) == 6
    assert len(keys["other"].split("-")[1]) == 4  # only the clashing ones grow


def test_a_bib_file_of_many_entries_parses_whole() -> None:
    papers = [paper(t, f"p{i}") for i, t in enumerate(HOSTILE_TITLES)]
    keys = cite.citation_keys(papers)
    text = cite.bib_file(cite.entry(p, keys[p.slug]) for p in papers)
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [keys[p.slug] for p in papers]
