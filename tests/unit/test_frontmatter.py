"""frontmatter.py: split and dump YAML front matter; errors carry file line numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from site_builder.errors import ContentError
from site_builder.frontmatter import dump, split

META = {
    "title": "Yes: a title # with a hash, not a comment",
    "date": dt.date(2024, 3, 11),
    "slug": "yes-a-title",
    "authors": ["Ada Lovelace", "Ülrich Ñandú"],
    "topics": ["Diffusion models", "Music and audio generation"],
    "links": [
        {"url": "https://github.com/o/r", "kind": "code"},
        {"url": "https://o.github.io/r/", "kind": "project"},
    ],
    "arxiv": "2403.01230",  # would read back as a float if not quoted
    "source": "null",  # would read back as None if not quoted
    "note": "2024",
    "flag": "yes",
    "long": "word " * 60 + "end",
}
BODY = "We study a thing.\n\nA second paragraph with *emphasis*.\n\n---\n\nAfter a rule."


def error_of(text: str) -> ContentError:
    with pytest.raises(ContentError) as info:
        split(text, "content/papers/x.md")
    return info.value


# --- round trip and stable bytes --------------------------------------------------------------


def test_dump_then_split_round_trips() -> None:
    meta, _lines, body, _start = split(dump(META, BODY), "x.md")
    assert meta == META
    assert body == BODY


def test_dump_is_byte_stable() -> None:
    first = dump(META, BODY)
    assert dump(dict(META), BODY) == first
    meta, _lines, body, _start = split(first, "x.md")
    assert dump(meta, body) == first  # a second round changes no byte


def test_dump_layout() -> None:
    text = dump({"title": "T", "date": dt.date(2024, 3, 11), "topics": ["a", "b"]}, "\n\nBody.\n\n")
    assert text == "---\ntitle: T\ndate: 2024-03-11\ntopics:\n  - a\n  - b\n---\n\nBody.\n"


def test_dump_keeps_key_order_and_unicode() -> None:
    text = dump({"title": "Über", "slug": "uber", "authors": ["李雷"]}, "x")
    assert text.index("title:") < text.index("slug:") < text.index("authors:")
    assert "Über" in text and "李雷" in text  # readable, not \u escapes


def test_long_title_stays_on_one_line() -> None:
    title = "A very long title " * 20
    text = dump({"title": title.strip()}, "x")
    assert text.splitlines()[1] == f"title: {title.strip()}"


# --- split ------------------------------------------------------------------------------------


def test_split_gives_key_lines_and_body_line() -> None:
    text = "---\ntitle: T\ndate: 2024-03-11\ntopics:\n  - a\n---\n\nThe body.\n"
    meta, lines, body, start = split(text, "x.md")
    assert meta == {"title": "T", "date": dt.date(2024, 3, 11), "topics": ["a"]}
    assert lines == {"title": 2, "date": 3, "topics": 4}
    assert body == "The body."
    assert start == 8  # the first line of text after the fence


def test_body_may_contain_fence_like_lines() -> None:
    _meta, _lines, body, _start = split("---\ntitle: T\n---\nabove\n\n---\n\nbelow\n", "x.md")
    assert body == "above\n\n---\n\nbelow"


def test_yaml_document_end_closes_front_matter() -> None:
    meta, _lines, body, _start = split("---\ntitle: T\n...\nBody\n", "x.md")
    assert meta == {"title": "T"} and body == "Body"


def test_empty_front_matter_is_an_empty_mapping() -> None:
    assert split("---\n---\nBody\n", "x.md")[0] == {}


def test_crlf_and_bom() -> None:
    text = "\ufeff---\r\ntitle: T\r\ndate: 2024-03-11\r\n---\r\n\r\nLine one\r\nline two\r\n"
    meta, lines, body, _start = split(text, "x.md")
    assert meta == {"title": "T", "date": dt.date(2024, 3, 11)}
    assert lines == {"title": 2, "date": 3}
    assert body == "Line one\nline two"
    assert "\r" not in body


def test_old_mac_line_endings() -> None:
    meta, lines, body, _start = split("---\rtitle: T\r---\rBody\r", "x.md")
    assert meta == {"title": "T"} and lines == {"title": 2} and body == "Body"


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["title: T\n\nBody\n", "", "\n---\ntitle: T\n---\n", "Body only"])
def test_missing_opening_fence(text: str) -> None:
    err = error_of(text)
    assert str(err).startswith("content/papers/x.md:1: must start with a '---' line")


def test_unclosed_front_matter() -> None:
    err = error_of("---\ntitle: T\ndate: 2024-03-11\n\nBody with no fence above it\n")
    assert (
        str(err)
        == "content/papers/x.md:1: front matter opened on line 1 is never closed with '---'"
    )


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: T\ndate: 2024-01-01\n  bad: indent\n---\n", 4),
        ("---\ntitle: T\nauthors: - a\n---\n", 3),
        ("---\ntitle: a: b\n---\n", 2),
        ("---\ntitle: T\nslug: s\nsource: x\ntopics: [a, b\n---\nBody\n", 5),
    ],
)
def test_yaml_errors_point_at_file_lines(text: str, line: int) -> None:
    err = error_of(text)
    assert err.line == line
    assert str(err).startswith(f"content/papers/x.md:{line}: YAML syntax error")


def test_yaml_error_line_counts_crlf_and_bom() -> None:
    err = error_of("\ufeff---\r\ntitle: T\r\ndate: 2024-01-01\r\n  bad: indent\r\n---\r\n")
    assert err.line == 4


def test_unsafe_yaml_tag_is_refused() -> None:
    err = error_of("---\ntitle: T\nslug: !!python/object/apply:os.system ['true']\n---\n")
    assert err.path == "content/papers/x.md"
    assert err.line == 3


def test_front_matter_must_be_a_mapping() -> None:
    err = error_of("---\n- a\n- b\n---\nBody\n")
    assert str(err) == "content/papers/x.md:2: front matter must be a mapping, got a list"


@pytest.mark.parametrize(
    "value", ["2024-02-30", "2024-13-01", "!!int abc", "!!float abc", "!!timestamp abc"]
)
def test_values_yaml_cannot_build_are_content_errors(value: str) -> None:
    """A typo like `date: 2024-02-30` must give file and line, not a traceback."""
    err = error_of(f"---\ntitle: T\ndate: {value}\n---\n\nBody\n")
    assert err.path == "content/papers/x.md"
    assert err.line == 3
