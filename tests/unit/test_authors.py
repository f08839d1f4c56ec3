"""enrich/authors.py: one person per name, initials never merged by guess, authors.yaml rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.enrich.authors import (
    AuthorRules,
    Person,
    assign_authors,
    check_author_rules,
    load_author_rules,
    name_key,
)
from site_builder.errors import ConfigError, SiteError
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
    s = assign_authors(site(paper("a", "B Two", "A One", "b two", "--")), AuthorRules())
    # One slug per name of the byline, so each name links to its page; a person named twice
    # has one page, and a name with no letters none.
    assert s.paper_authors["a"] == ("b-two", "a-one", "b-two", "")
    assert [a.paper_slugs for a in s.authors] == [("a",), ("a",)]  # the paper once each
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
    assert list(check_author_rules(s, rules)) == []


def test_missing_rules_file_is_no_rules(tmp_path: Path) -> None:
    assert load_author_rules(tmp_path / "authors.yaml") == AuthorRules(
        path=tmp_path / "authors.yaml"
    )


def load_error(tmp_path: Path, text: str) -> str:
    """What a user reads for a broken authors.yaml: every problem, one a line."""
    with pytest.raises(SiteError) as info:  # one ConfigError, or an ErrorList of them
        load_author_rules(write(tmp_path, text))
    return str(info.value)


MERGE = "merge:\n  - name: A B\n    variants: [A. B]\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "merge: [\n",
            "authors.yaml:2: YAML syntax error: expected the node content, "
            "but found '<stream end>'",
        ),
        (
            "- merge\n",
            "authors.yaml:1: authors.yaml must be a mapping with merge: and split:, got a list",
        ),
        ("merj: []\n", "authors.yaml:1: unknown key 'merj' (did you mean 'merge'?)"),
        (
            "merge: []\nmerge: []\n",
            "authors.yaml:2: authors.yaml has 'merge' twice (first on line 1)",
        ),
        (
            "merge: {name: A}\n",
            "authors.yaml:1: merge must be a list of merge rules, got a mapping",
        ),
        (
            "merge:\n  - A B\n",
            "authors.yaml:2: merge[0] must be a mapping with name and variants, got a string",
        ),
        ("merge:\n  - name: A B\n", "authors.yaml:2: merge[0] (A B) needs 'variants'"),
        ("merge:\n  - variants: [A. B]\n", "authors.yaml:2: merge[0] needs 'name'"),
        (
            "merge:\n  - name: ' '\n    variants: [A. B]\n",
            "authors.yaml:2: merge[0].name must not be empty",
        ),
        (
            "merge:\n  - name: [A]\n    variants: [A. B]\n",
            "authors.yaml:2: merge[0].name must be text, got a list",
        ),
        (
            MERGE + "    varients: [B]\n",
            "authors.yaml:4: merge[0] (A B): unknown key 'varients' (did you mean 'variants'?)",
        ),
        (
            MERGE + "    people: [B]\n",
            "authors.yaml:4: merge[0] (A B): unknown key 'people' "
            "(expected one of: name, variants, slug)",
        ),
        (
            "merge:\n  - name: A B\n    variants: A. B\n",
            "authors.yaml:3: merge[0] (A B).variants must be a list of names, got a string",
        ),
        (
            "merge:\n  - name: A B\n    variants: []\n",
            "authors.yaml:3: merge[0] (A B).variants must list at least one name",
        ),
        (
            "merge:\n  - name: A B\n    variants:\n      - A. B\n      - {x: y}\n      - ''\n",
            "authors.yaml:5: merge[0] (A B).variants[1] must be text, got a mapping\n"
            "authors.yaml:6: merge[0] (A B).variants[2] must not be empty",
        ),
        (
            "merge:\n  - name: A B\n    variants: ['--']\n",
            "authors.yaml:3: merge[0] (A B): '--' has no letters or digits to match a name by",
        ),
        (
            MERGE + "  - name: C D\n    variants: [a b]\n",
            "authors.yaml:5: merge[1] (C D): 'a b' is already in a rule on line 2",
        ),
        (
            MERGE + "split:\n  - name: 'B, A.'\n    people: []\n",
            "authors.yaml:5: split[0] (B, A.): 'B, A.' is already in a rule on line 2\n"
            "authors.yaml:6: split[0] (B, A.).people must list at least two people",
        ),
        (
            "split:\n  - name: A B\n    people: X\n",
            "authors.yaml:3: split[0] (A B).people must be a list of people, got a string",
        ),
        (
            "split:\n  - name: A B\n    people:\n      - name: X\n        papers: [p]\n",
            "authors.yaml:3: split[0] (A B).people must list at least two people",
        ),
        (
            "split:\n  - name: A B\n    people: [X, {name: Y, papers: [p]}]\n",
            "authors.yaml:3: split[0] (A B).people[0] must be a mapping with name and papers, "
            "got a string",
        ),
        (
            "split:\n  - name: A B\n    people:\n      - {name: X, papers: p}\n      - {name: Y}\n",
            "authors.yaml:4: split[0] (A B).people[0] (X).papers must be a list of paper slugs, "
            "got a string\n"
            "authors.yaml:5: split[0] (A B).people[1] (Y) needs 'papers'",
        ),
        (
            "split:\n  - name: A B\n    people:\n      - {name: X, papers: [p, q]}\n"
            "      - {name: Y, papers: [q], paper: [r]}\n",
            "authors.yaml:5: split[0] (A B).people[1] (Y): unknown key 'paper' (did you mean "
            "'papers'?)\n"
            "authors.yaml:5: split[0] (A B).people[1] (Y): paper 'q' is already given on line 4",
        ),
    ],
)
def test_each_mistake_has_its_message_and_line(tmp_path: Path, text: str, expected: str) -> None:
    assert load_error(tmp_path, text) == expected


@pytest.mark.parametrize(
    ("slug", "expected"),
    [
        ("../x", "got '../x' (try 'x')"),
        ("a/b", "got 'a/b' (try 'a-b')"),
        ("Wei-Zhang", "got 'Wei-Zhang' (try 'wei-zhang')"),
        ("'<script>'", "got '<script>' (try 'script')"),
        ("'é-x'", "got 'é-x' (try 'e-x')"),
    ],
)
def test_hostile_slugs_are_refused(tmp_path: Path, slug: str, expected: str) -> None:
    message = "must be lowercase letters, digits and '-' (it becomes a URL), " + expected
    assert load_error(tmp_path, MERGE + f"    slug: {slug}\n") == (
        f"authors.yaml:4: merge[0] (A B).slug {message}"
    )
    split = (
        "split:\n  - name: A B\n    people:\n      - {name: X, papers: [p]}\n"
        f"      - name: Y\n        papers: [q]\n        slug: {slug}\n"
    )
    assert load_error(tmp_path, split) == (
        f"authors.yaml:7: split[0] (A B).people[1] (Y).slug {message}"
    )


@pytest.mark.parametrize("empty", ["", "''", "'  '"])
def test_an_empty_slug_is_an_error_not_the_made_one(tmp_path: Path, empty: str) -> None:
    assert load_error(tmp_path, MERGE + f"    slug: {empty}\n") == (
        "authors.yaml:4: merge[0] (A B).slug must not be empty; "
        "leave the key out to have one made from the name"
    )


def test_a_given_slug_is_one_person_in_the_file(tmp_path: Path) -> None:
    text = (
        MERGE + "    slug: ab\n"
        "  - name: A B\n    variants: [Bee, A]\n    slug: ab-2\n"  # the same person again
        "split:\n  - name: C D\n    people:\n"
        "      - {name: C D (Oslo), papers: [p], slug: ab}\n"
        "      - {name: C D (Rome), papers: [q], slug: cd-rome}\n"
    )
    assert load_error(tmp_path, text) == (
        "authors.yaml:7: merge[1] (A B): 'A B' already has the slug 'ab' on line 4\n"
        "authors.yaml:11: split[0] (C D).people[0] (C D (Oslo)): slug 'ab' is already used by "
        "'A B' on line 4"
    )


def test_every_mistake_in_the_file_at_once(tmp_path: Path) -> None:
    text = (
        "merge:\n"
        "  - name: John Smith\n"
        "    variants: [J. Smith]\n"
        "    slug: ../john\n"
        "  - name: Ada Lovelace\n"
        "    varients: [A. Lovelace]\n"
        "split:\n"
        "  - name: J Smith\n"
        "    people:\n"
        "      - {name: X, papers: [p]}\n"
        "      - {name: Y, papers: [p], slug: Y}\n"
        "spilt: []\n"
    )
    assert load_error(tmp_path, text).splitlines() == [
        "authors.yaml:4: merge[0] (John Smith).slug must be lowercase letters, digits and '-' "
        "(it becomes a URL), got '../john' (try 'john')",
        "authors.yaml:6: merge[1] (Ada Lovelace): unknown key 'varients' (did you mean "
        "'variants'?)",
        "authors.yaml:8: split[0] (J Smith): 'J Smith' is already in a rule on line 3",
        "authors.yaml:11: split[0] (J Smith).people[1] (Y).slug must be lowercase letters, "
        "digits and '-' (it becomes a URL), got 'Y' (try 'y')",
        "authors.yaml:11: split[0] (J Smith).people[1] (Y): paper 'p' is already given on line 10",
        "authors.yaml:12: unknown key 'spilt' (did you mean 'split'?)",
    ]


def test_empty_file_and_not_utf8(tmp_path: Path) -> None:
    assert load_author_rules(write(tmp_path, "# nothing yet\n")).merges == {}
    path = tmp_path / "authors.yaml"
    path.write_bytes(b"merge:\n  - name: M\xfcller\n")  # Latin-1, not UTF-8
    with pytest.raises(ConfigError) as info:
        load_author_rules(path)
    assert str(info.value) == "authors.yaml: not UTF-8 text (byte 18)"


def test_rules_matching_nothing_are_warned(tmp_path: Path) -> None:
    rules = load_author_rules(write(tmp_path, "merge:\n  - name: Ghost\n    variants: [G.]\n"))
    warnings = check_author_rules(site(paper("a", "Real Person")), rules)
    assert [w.line for w in warnings] == [2, 3]


SPLIT_WITH_SLUGS = (
    "merge:\n"
    "  - name: John Smith\n"
    "    variants: [J. Smith]\n"
    "    slug: {merge_slug}\n"
    "split:\n"
    "  - name: Wei Zhang\n"
    "    people:\n"
    "      - name: Wei Zhang (Tsinghua)\n"
    "        papers: [a]\n"
    "        slug: {split_slug}\n"
    "      - name: Wei Zhang (MIT)\n"
    "        papers: [b]\n"
)
COLLECTION = (
    paper("a", "J. Smith", "Wei Zhang", day=3),
    paper("b", "John Smith", "Wei Zhang", day=2),
    paper("c", "Wei Zhang", "Jøhn Smith", day=1),
)


def test_given_slugs_replace_the_made_ones(tmp_path: Path) -> None:
    text = SPLIT_WITH_SLUGS.format(merge_slug="smith-j", split_slug="wz-tsinghua")
    s = assign_authors(site(*COLLECTION), load_author_rules(write(tmp_path, text)))
    assert by_name(s) == {
        "John Smith": ("smith-j", ("a", "b")),
        "Jøhn Smith": ("john-smith", ("c",)),  # no '-2': the made slug is free now
        "Wei Zhang (Tsinghua)": ("wz-tsinghua", ("a",)),
        "Wei Zhang (MIT)": ("wei-zhang-mit", ("b",)),
        "Wei Zhang": ("wei-zhang", ("c",)),
    }
    assert s.paper_authors["a"] == ("smith-j", "wz-tsinghua")
    # The same rules and papers, read in another order, give the same slugs.
    again = assign_authors(site(*reversed(COLLECTION)), load_author_rules(write(tmp_path, text)))
    assert again.authors == s.authors


def test_a_given_slug_that_is_another_authors_made_slug_is_an_error(tmp_path: Path) -> None:
    text = SPLIT_WITH_SLUGS.format(merge_slug="wei-zhang", split_slug="john-smith")
    with pytest.raises(SiteError) as info:
        assign_authors(site(*COLLECTION), load_author_rules(write(tmp_path, text)))
    assert str(info.value).splitlines() == [
        "authors.yaml:4: slug 'wei-zhang' of 'John Smith' is also the slug of author "
        "'Wei Zhang' (made from the name); give one of them another slug",
        "authors.yaml:10: slug 'john-smith' of 'Wei Zhang (Tsinghua)' is also the slug of author "
        "'Jøhn Smith' (made from the name); give one of them another slug",
    ]


def test_two_people_given_one_slug_is_an_error_even_without_the_file(tmp_path: Path) -> None:
    rules = AuthorRules(
        merges={"john smith": "John Smith", "j smith": "John Smith"},
        splits={
            "wei zhang": (
                Person("Wei Zhang (Tsinghua)", ("a",), slug="same", slug_line=9),
                Person("Wei Zhang (MIT)", ("b",)),
            )
        },
        slugs={"john smith": ("same", 4)},
        path=tmp_path / "authors.yaml",
    )
    with pytest.raises(ConfigError) as info:
        assign_authors(site(*COLLECTION), rules)
    assert str(info.value) == (
        "authors.yaml:9: slug 'same' of 'Wei Zhang (Tsinghua)' is also the slug of author "
        "'John Smith' (given on line 4); give one of them another slug"
    )


def test_a_given_slug_of_nobody_in_the_collection_clashes_with_nothing(tmp_path: Path) -> None:
    text = SPLIT_WITH_SLUGS.format(merge_slug="wei-zhang", split_slug="x")
    rules = load_author_rules(write(tmp_path, text))
    s = assign_authors(site(paper("c", "Wei Zhang")), rules)  # no John Smith, no paper a
    assert by_name(s) == {"Wei Zhang": ("wei-zhang", ("c",))}
    warnings = check_author_rules(s, rules)
    assert {(w.path, w.severity) for w in warnings} == {("authors.yaml", "warning")}
    assert [(w.line, w.message) for w in warnings] == [
        (2, "no paper has the author 'john smith'"),
        (3, "no paper has the author 'j smith'"),
        (9, "no paper has the slug 'a'"),
        (12, "no paper has the slug 'b'"),
    ]
