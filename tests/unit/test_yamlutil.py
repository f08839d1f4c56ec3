"""YAML read once with the line of every key: what the taxonomy reader is built on."""

from __future__ import annotations

import pytest

from site_builder.errors import ContentError
from site_builder.yamlutil import parse_tree


def test_keys_stay_the_words_written_and_values_are_yaml_values() -> None:
    tree = parse_tree("yes: 2\n3d: 3.5\nnull: [a, {on: true}]\n", "t.yaml")
    assert tree.value == {"yes": 2, "3d": 3.5, "null": ["a", {"on": True}]}
    assert tree.lines[("null", 1, "on")] == 3
    assert tree.lines[("3d",)] == 2 and tree.lines[()] == 1


def test_keys_written_twice_are_named_with_both_lines() -> None:
    tree = parse_tree("a:\n  b: 1\n  c: 2\n  b: 3\n", "t.yaml")
    assert tree.duplicates == ((("a", "b"), 4, 2),)
    assert tree.value == {"a": {"b": 3, "c": 2}}


def test_merge_keys_are_not_duplicates() -> None:
    tree = parse_tree("base: &b {x: 1}\nmine:\n  <<: *b\n  x: 2\n", "t.yaml")
    assert tree.value["mine"] == {"x": 2} and tree.duplicates == ()


def test_an_alias_bomb_is_refused_with_a_line() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(ContentError) as caught:
        parse_tree("\n".join(lines) + "\n", "t.yaml")
    assert str(caught.value) == "t.yaml:1: YAML too deeply nested or aliased to read"


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(ContentError) as caught:
        parse_tree("a: 1\nb: [1, 2\n", "t.yaml")
    assert str(caught.value).startswith("t.yaml:3: YAML syntax error")
