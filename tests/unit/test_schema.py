"""Declarative mapping checks: every problem at its key's line, defaults filled in."""

from __future__ import annotations

import datetime as dt

from site_builder.schema import DATE, IDENTIFIER, SLUG, Key, check_mapping, check_value, documented
from site_builder.yamlutil import parse_with_line_map, parse_with_lines

KEYS = (
    Key("title", str, "Papers", "the title"),
    Key("count", int, 5, "how many", low=1, high=10),
    Key("year", int, 0, "a year", low=1900, high=2999, zero_ok=True),
    Key("enabled", bool, True, "a switch"),
    Key("format", str, "markdown", "body format", choices=("markdown", "text")),
    Key("tags", list, (), "a list"),
)


def check(text: str, **kw):
    data, lines = parse_with_lines(text, "x.yaml")
    return check_mapping(data, KEYS, lambda k: ("x.yaml", lines.get(k)), **kw)


def test_every_problem_is_reported_at_its_line() -> None:
    values, found = check(
        "titel: A\ncount: 11\nenabled: yes please\nformat: mardown\ntags: rl\nyear: 0\n"
    )
    assert [str(d) for d in found] == [
        "x.yaml:1: unknown setting 'titel' (did you mean 'title'?)",
        "x.yaml:2: count must be between 1 and 10, got 11",
        "x.yaml:3: enabled must be true or false, got 'yes please'",
        "x.yaml:4: format must be one of markdown, text, got 'mardown' (did you mean 'markdown'?)",
        "x.yaml:5: tags must be a list of strings, got 'rl'",
    ]
    assert values["year"] == 0  # zero_ok
    assert values["title"] == "Papers"  # default kept where the key was wrong or absent


def test_numbers_meant_as_text_are_text_and_empty_values_are_defaults() -> None:
    values, found = check("title: 2024\ncount:\n")
    assert list(found) == []
    assert values["title"] == "2024"
    assert values["count"] == 5


def test_unknown_keys_can_warn_on_typos_only() -> None:
    _values, found = check("titl: A\nmy_own_field: 1\n", unknown="warn-typo", what="key")
    assert [(d.severity, str(d)) for d in found] == [
        ("warning", "x.yaml:1: unknown key 'titl' (did you mean 'title'?)")
    ]
    assert found.ok


def test_documented_shows_defaults_as_yaml() -> None:
    assert documented(KEYS)[:4] == [
        ("title", "Papers", "the title"),
        ("count", "5", "how many"),
        ("year", "0", "a year"),
        ("enabled", "true", "a switch"),
    ]


def test_nested_mappings_are_checked_at_their_own_lines() -> None:
    """How the taxonomy can use the schema: one parse, a line for every nested key."""
    text = "topics:\n  - name: GANs\n    weight: lots\n  - name: RL\n    wieght: 2\n"
    data, lines = parse_with_line_map(text, "t.yaml")
    topic_keys = (Key("name", str, "", "shown to readers"), Key("weight", int, 1, "a weight"))
    problems = []
    for i, topic in enumerate(data["topics"]):
        _values, found = check_mapping(
            topic, topic_keys, lambda k, i=i: ("t.yaml", lines[("topics", i, k)]), what="key"
        )
        problems += [str(d) for d in found]
    assert problems == [
        "t.yaml:3: weight must be a whole number, got 'lots'",
        "t.yaml:5: unknown key 'wieght' (did you mean 'weight'?)",
    ]
    assert lines[("topics", 1)] == 4


def test_kinds_with_a_form_of_their_own() -> None:
    keys = (
        Key("date", DATE, None, "a day", required=True),
        Key("slug", SLUG, None, "a URL name"),
        Key("arxiv", IDENTIFIER, None, "an id"),
        Key("weight", float, 1.0, "a weight", above=0),
        Key("ratio", float, 0.5, "a ratio", above=0, high=1),
    )
    data, lines = parse_with_lines(
        "slug: Not A Slug\narxiv: 2403.01230\nweight: -2\nratio: 1.5\n", "x.yaml"
    )
    values, found = check_mapping(data, keys, lambda k: ("x.yaml", lines.get(k, 1)))
    assert [str(d) for d in found] == [
        "x.yaml:1: slug must be lowercase letters, digits and '-' (it becomes a URL), "
        "got 'Not A Slug' (try 'not-a-slug')",
        "x.yaml:2: arxiv must be quoted text, e.g. arxiv: '2403.0123'",
        "x.yaml:3: weight must be positive, got -2",
        "x.yaml:4: ratio must be between 0 and 1, got 1.5",
        "x.yaml:1: 'date' is required (YYYY-MM-DD)",
    ]
    data, _lines = parse_with_lines("date: 2024-03-11T09:30:00\nweight: 2\n", "x.yaml")
    values, found = check_mapping(data, keys, lambda k: ("x.yaml", 1))
    assert list(found) == []
    assert values["date"] == dt.date(2024, 3, 11)
    assert values["weight"] == 2.0 and isinstance(values["weight"], float)


def test_numbers_must_be_finite_and_not_booleans() -> None:
    key = Key("w", float, 1.0, "a weight")
    assert check_value(key, float("nan"))[0] == ("w must be a finite number, got nan",)
    assert check_value(key, True)[0] == ("w must be a number, got true/false",)
    assert check_value(key, "high", where="topics[0]")[0] == (
        "topics[0].w must be a number, got a string ('high')",
    )


def test_a_mapping_inside_a_file_is_named_in_every_message() -> None:
    keys = (Key("name", str, None, "its name", required=True), Key("slug", SLUG, None, "url"))
    _values, found = check_mapping(
        {"slg": "x"}, keys, lambda k: ("t.yaml", 7), what="key", where="topics[3]"
    )
    assert [str(d) for d in found] == [
        "t.yaml:7: topics[3]: unknown key 'slg' (did you mean 'slug'?)",
        "t.yaml:7: topics[3] needs 'name'",
    ]
    _values, found = check_mapping({"name": "  "}, keys, lambda k: ("t.yaml", 7), where="t[0]")
    assert [d.message for d in found] == ["t[0].name must not be empty"]


def test_a_list_of_strings_is_stripped_deduplicated_and_capped() -> None:
    key = Key("topics", list, (), "names", high=2)
    assert check_value(key, [" RL", "RL ", "", "GANs"]) == ((), ("RL", "GANs"))
    assert check_value(key, ["a", "b", "c"])[0] == ("topics can list at most 2, got 3",)
