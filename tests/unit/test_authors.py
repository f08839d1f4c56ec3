"""enrich/authors.py: one person per name, initials never merged by guess, authors.yaml rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.enrich.authors import (
    AuthorRules,
    assign_authors,
    check_author_rules,
    load_author_rules,
    name_key,
)
from site_builder.errors import ConfigError
from site_builder.model import Paper, Site


def paper(slug: str, *authors: str, day: int = 1) -> Paper:
    return Paper(slug=slug, title=slug, date=dt.date(2024, 1, day), abstract="", authors=authors)


def site(*papers: Paper) -> Site:
    return Site(papers=tuple(sorted(papers, key=lambda p: p.date, reverse=True)))


def by_name(s: Site) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {a.name: (a.slug, a.paper_slugs) for a in s.authors}


def test_last_first_case_and_accents_are_one_person() -> None:
    s = assign_authors(
        site(
            paper("a", "Smith, John", day=3),
            paper("b", "JOHN SMITH", day=2),
            paper("c", "John  Smith", day=1),
            paper("d", "Zoë Müller", day=4),
            paper("e", "Zoe Muller", day=5),
        ),
        AuthorRules(),
    )
    assert by_name(s) == {
        "John Smith": ("john-smith", ("a", "b", "c")),  # newest first
        "Zoë Müller": ("zoe-muller", ("e", "d")),  # the accented spelling wins the tie
    }
    assert s.paper_authors["a"] == ("john-smith",)


def test_initials_are_never_merged_by_the_rule() -> None:
    s = assign_authors(site(paper("a", "J. Smith"), paper("b", "John Smith")), AuthorRules())
    assert sorted(a.name for a in s.authors) == ["J. Smith", "John Smith"]
    assert name_key("J. Smith") != name_key("John Smith")


def test_byline_order_and_repeats() -> None:
    s = assign_authors(site(paper("a", "B Two", "A One", "b two")), AuthorRules())
    assert s.paper_authors["a"] == ("b-two", "a-one")
    assert [a.slug for a in s.authors] == ["a-one", "b-two"]  # sorted by slug


def test_slug_clash_is_deterministic() -> None:
    # 'Jøhn' keeps its ø in the key (it is not an accent), but slugifies like 'John'.
    one = assign_authors(site(paper("a", "Jøhn Lee"), paper("b", "John Lee")), AuthorRules())
    two = assign_authors(site(paper("b", "John Lee"), paper("a", "Jøhn Lee")), AuthorRules())
    assert {a.slug for a in one.authors} == {"john-lee", "john-lee-2"}
    assert one.authors == two.authors


def test_hostile_name_gets_a_safe_slug() -> None:
    s = assign_authors(site(paper("a", "<script>alert(1)</script>", "../../etc")), AuthorRules())
    assert all(a.slug.replace("-", "").isalnum() for a in s.authors)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "authors.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_merge_and_split_rules(tmp_path: Path) -> None:
    rules = load_author_rules(
        write(
            tmp_path,
            "merge:\n"
            "  - name: John Smith\n"
            "    variants: [J. Smith, 'Smith, J.']\n"
            "split:\n"
            "  - name: Wei Zhang\n"
            "    people:\n"
            "      - name: Wei Zhang (Tsinghua)\n"
            "        papers: [a]\n"
            "      - name: Wei Zhang (MIT)\n"
            "        papers: [b]\n",
        )
    )
    s = assign_authors(
        site(
            paper("a", "J. Smith", "Wei Zhang", day=3),
            paper("b", "John Smith", "Zhang, Wei", day=2),
            paper("c", "Wei Zhang", day=1),
        ),
        rules,
    )
    names = by_name(s)
    assert names["John Smith"][1] == ("a", "b")
    assert names["Wei Zhang (Tsinghua)"][1] == ("a",)
    assert names["Wei Zhang (MIT)"][1] == ("b",)
    assert names["Wei Zhang"][1] == ("c",)  # papers no person claims stay with the name
    assert check_author_rules(s, rules) == []


def test_missing_rules_file_is_no_rules(tmp_path: Path) -> None:
    assert load_author_rules(tmp_path / "authors.yaml") == AuthorRules(
        path=tmp_path / "authors.yaml"
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("merge: [\n", 2, "not valid YAML"),
        ("merj: []\n", 1, "unknown key 'merj' in authors.yaml; expected merge, split"),
        ("merge:\n  - name: A B\n", 2, "variants is missing"),
        (
            "merge:\n  - name: A B\n    variants: [A. B]\n  - name: C D\n    variants: [a b]\n",
            4,
            "'a b' is already in a rule on line 2",
        ),
        (
            "split:\n  - name: A B\n    people:\n      - name: X\n        papers: [p]\n",
            4,
            "people must list at least two people",
        ),
    ],
)
def test_bad_rules_name_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_author_rules(path)
    assert info.value.line == line
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_rules_matching_nothing_are_warned(tmp_path: Path) -> None:
    rules = load_author_rules(write(tmp_path, "merge:\n  - name: Ghost\n    variants: [G.]\n"))
    warnings = check_author_rules(site(paper("a", "Real Person")), rules)
    assert [w.line for w in warnings] == [2, 3]
