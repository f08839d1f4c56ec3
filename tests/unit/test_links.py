"""links.py: URLs found in abstract text, cleaned of sentence punctuation, and their kinds."""

from __future__ import annotations

import pytest

from site_builder.links import clean_url, encode_url, find_arxiv_id, find_links, link_kind
from site_builder.model import Link


def urls(text: str) -> list[str]:
    return [link.url for link in find_links(text)]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(link.url, link.kind) for link in find_links(text)]


# --- extraction -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Code is at https://x.io/a.", "https://x.io/a"),
        ("(see https://x.io/a)", "https://x.io/a"),
        ("(see https://x.io/a).", "https://x.io/a"),
        ("Available at https://x.io/a, with weights.", "https://x.io/a"),
        ("Try https://x.io/a!", "https://x.io/a"),
        ("Is it https://x.io/a?", "https://x.io/a"),
        ("See https://x.io/a; also", "https://x.io/a"),
        ("at https://x.io/a: the site", "https://x.io/a"),
        ('called "https://x.io/a"', "https://x.io/a"),
        ("at https://x.io/a...", "https://x.io/a"),
        ("[code](https://github.com/o/r)", "https://github.com/o/r"),
        ("https://x.io/search?q=1&p=2.", "https://x.io/search?q=1&p=2"),
        ("https://en.wikipedia.org/wiki/Foo_(bar).", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("<https://x.io/a>", "https://x.io/a"),
    ],
)
def test_url_loses_trailing_sentence_punctuation(text: str, expected: str) -> None:
    assert urls(text) == [expected]


def test_clean_url_keeps_balanced_brackets() -> None:
    assert clean_url("https://x.io/a_(b))") == "https://x.io/a_(b)"
    assert clean_url("https://x.io/a.),") == "https://x.io/a"


def test_urls_found_in_order() -> None:
    text = "Code: https://github.com/o/r. Demo: https://o.github.io/r/ and data at https://zenodo.org/x"
    assert urls(text) == [
        "https://github.com/o/r",
        "https://o.github.io/r/",
        "https://zenodo.org/x",
    ]


def test_no_urls() -> None:
    assert find_links("We propose a method. No links here, not even http:// alone.") == ()


def test_same_url_twice_is_one_link() -> None:
    text = "Code at https://github.com/o/r. Again: https://github.com/o/r, and (https://github.com/o/r)."
    assert find_links(text) == (Link("https://github.com/o/r", "code"),)


def test_dedupe_ignores_host_case() -> None:
    assert urls("https://X.io/a and https://x.io/a") == ["https://X.io/a"]


# --- kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Code: https://github.com/o/r", "code"),
        ("https://www.github.com/o/r", "code"),
        ("Our implementation https://gitlab.com/o/r", "code"),
        ("Project page: https://o.github.io/r", "project"),
        ("Code is available at https://o.github.io/r", "project"),
        ("Our code will be released at https://o.gitlab.io/r", "project"),
        ("Audio samples are available at https://Make-A-Voice.github.io", "demo"),
        ("Listen to examples at https://x.org/samples", "demo"),
        ("We release it at https://huggingface.co/datasets/o/d", "dataset"),
        ("https://huggingface.co/spaces/o/s", "demo"),
        ("The benchmark is at https://x.org/bench", "dataset"),
        ("https://arxiv.org/abs/2403.01234", "pdf"),
        ("https://x.org/paper.pdf", "pdf"),
        ("https://www.youtube.com/watch?v=abc", "video"),
        ("Colab: https://colab.research.google.com/drive/x", "demo"),
        ("https://example.org/", "project"),
    ],
)
def test_link_kinds(text: str, kind: str) -> None:
    found = find_links(text)
    assert len(found) == 1
    assert found[0].kind == kind


def test_nearest_word_before_the_url_decides() -> None:
    text = (
        "Code is available at https://github.com/o/r and audio samples at https://o.github.io/r/, "
        "the project page is https://lab.org/r"
    )
    assert kinds(text) == [
        ("https://github.com/o/r", "code"),
        ("https://o.github.io/r/", "demo"),
        ("https://lab.org/r", "project"),
    ]


def test_host_beats_words() -> None:
    assert link_kind("https://github.com/o/r", before="Audio samples are at ") == "code"
    assert link_kind("https://huggingface.co/datasets/o/d", before="Code: ") == "dataset"


# --- arXiv ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See https://arxiv.org/abs/2403.01234 for details", "2403.01234"),
        ("https://arxiv.org/abs/2403.01234v2", "2403.01234"),
        ("https://arxiv.org/pdf/2403.0123.pdf", "2403.0123"),
        ("Extended version: arXiv:2312.12345v3.", "2312.12345"),
        ("arXiv: 2312.12345", "2312.12345"),
        ("A number 2403.01234 alone is not an arXiv id", None),
        ("No identifiers at all", None),
    ],
)
def test_find_arxiv_id(text: str, expected: str | None) -> None:
    assert find_arxiv_id(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1&c=%20#x", "https://example.org/a?b=1&c=%20#x"),
        ('https://github.com/x" onmouseover="y', "https://github.com/x%22%20onmouseover=%22y"),
        ("https://example.org/?q=<b>", "https://example.org/?q=%3Cb%3E"),
        ("https://de.wikipedia.org/wiki/Köln", "https://de.wikipedia.org/wiki/K%C3%B6ln"),
    ],
)
def test_encode_url_leaves_valid_urls_alone_and_escapes_the_rest(url: str, expected: str) -> None:
    assert encode_url(url) == expected
