"""markup.py: abstract Markdown into safe HTML. Raw HTML is shown as text, never run."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from site_builder.markup import plain_text, render_markdown

ATTACKS = [
    "<script>alert(1)</script> after",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<iframe src="https://evil.example"></iframe>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click]( javascript:alert(1) )",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '[a](https://x.io "t" onclick="alert(1)")',
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
    "<!-- hidden --> visible",
    "<div onmouseover=alert(1)>hover</div>",
]


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def assert_safe(html: str) -> None:
    tree = soup(html)
    for bad in ("script", "iframe", "img", "svg", "style", "object", "embed", "div"):
        assert tree.find(bad) is None, html
    for tag in tree.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), html
            text = " ".join(value) if isinstance(value, list) else value
            assert "javascript:" not in text.lower().replace(" ", ""), html
            if name == "href":
                assert text.startswith(("http://", "https://", "mailto:")), html
    lowered = html.lower()
    for opening in ("<script", "<iframe", "<img", "<svg", "<style"):
        assert opening not in lowered, html  # such text may appear only escaped, as &lt;...


@pytest.mark.parametrize("text", ATTACKS)
def test_attacks_are_neutralised(text: str) -> None:
    assert_safe(render_markdown(text))


@pytest.mark.parametrize(
    "text",
    ["[click](javascript:alert(1))", "[click](JaVaScRiPt:alert(1))", "![x](javascript:alert(1))"],
)
def test_javascript_markdown_links_leave_no_trace(text: str) -> None:
    html = render_markdown(text)
    assert "javascript" not in html.lower()
    assert "alert" not in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> after",
        "<img src=x onerror=alert(1)>",
        '<iframe src="https://evil.example"></iframe>',
        "We compare A<B and B>C for x < y.",
        "<!-- hidden --> visible",
    ],
)
def test_raw_html_reads_as_written(text: str) -> None:
    html = render_markdown(text)
    assert soup(html).get_text() == text
    assert "&lt;" in html  # escaped, so a browser shows it instead of running it


def test_angle_tokens_in_code_read_as_written() -> None:
    """ML abstracts write tokens like `<pad>`: a reader must see <pad>, not &lt;pad>."""
    html = render_markdown("We add a `<pad>` token and `x<y`.")
    codes = [c.get_text() for c in soup(html).find_all("code")]
    assert codes == ["<pad>", "x<y"]


def test_html_in_indented_code_block_reads_as_written() -> None:
    html = render_markdown("Example:\n\n    <b>bold</b>\n")
    assert soup(html).find("pre").get_text() == "<b>bold</b>\n"


# --- bare URLs --------------------------------------------------------------------------------


def links(html: str) -> list[tuple[str, str]]:
    return [(a.get("href"), a.get_text()) for a in soup(html).find_all("a")]


@pytest.mark.parametrize(
    ("text", "url", "after"),
    [
        ("Code is at https://x.io/a.", "https://x.io/a", "."),
        ("(see https://x.io/a)", "https://x.io/a", ")"),
        ("Demo: https://x.io/a, and more", "https://x.io/a", ", and more"),
        ("Really https://x.io/a!", "https://x.io/a", "!"),
        ("At https://en.wikipedia.org/wiki/A_(b).", "https://en.wikipedia.org/wiki/A_(b)", "."),
    ],
)
def test_bare_urls_become_links_without_trailing_punctuation(
    text: str, url: str, after: str
) -> None:
    html = render_markdown(text)
    assert links(html) == [(url, url)]
    assert soup(html).get_text() == text  # nothing lost, nothing doubled
    assert soup(html).get_text().endswith(after)


def test_bare_url_links_are_nofollow() -> None:
    a = soup(render_markdown("See https://x.io/a")).find("a")
    assert set(a["rel"]) >= {"nofollow", "noopener"}


def test_markdown_link_and_autolink_not_linked_twice() -> None:
    html = render_markdown("[site](https://x.io/a) and <https://x.io/b>")
    assert links(html) == [("https://x.io/a", "site"), ("https://x.io/b", "https://x.io/b")]


def test_markdown_link_whose_text_is_a_url() -> None:
    """`[https://github.com/o/r](https://github.com/o/r)` is common in abstracts."""
    html = render_markdown("Code: [https://x.io/a](https://y.io/b).")
    assert links(html) == [("https://y.io/b", "https://x.io/a")]


def test_bare_url_in_bold_is_one_link() -> None:
    html = render_markdown("Project: **https://x.io/a**")
    assert links(html) == [("https://x.io/a", "https://x.io/a")]
    assert soup(html).find("strong").get_text() == "https://x.io/a"


def test_url_in_code_is_not_linked() -> None:
    html = render_markdown("Run `curl https://x.io/a` first.")
    assert links(html) == []
    assert soup(html).find("code").get_text() == "curl https://x.io/a"


def test_several_bare_urls() -> None:
    html = render_markdown("Code: https://github.com/o/r. Samples: https://o.github.io/r/.")
    assert [href for href, _ in links(html)] == ["https://github.com/o/r", "https://o.github.io/r/"]


# --- ordinary Markdown ------------------------------------------------------------------------


def test_emphasis_strong_and_code() -> None:
    html = render_markdown("A *new* **fast** method using `torch.compile`.")
    tree = soup(html)
    assert tree.find("em").get_text() == "new"
    assert tree.find("strong").get_text() == "fast"
    assert tree.find("code").get_text() == "torch.compile"


def test_lists_and_paragraphs() -> None:
    html = render_markdown("First para.\n\n- one\n- two\n\n1. a\n2. b\n\nLast para.")
    tree = soup(html)
    assert [li.get_text() for li in tree.find("ul").find_all("li")] == ["one", "two"]
    assert [li.get_text() for li in tree.find("ol").find_all("li")] == ["a", "b"]
    assert [p.get_text() for p in tree.find_all("p")] == ["First para.", "Last para."]


def test_ampersands_and_quotes_are_escaped_once() -> None:
    html = render_markdown('R&D with "quotes" & <3')
    assert soup(html).get_text() == 'R&D with "quotes" & <3'


def test_plain_text_folds_spaces_and_cuts_at_a_word() -> None:
    assert plain_text("a  b\n\nc") == "a b c"
    cut = plain_text("alpha beta gamma delta", limit=14)
    assert cut == "alpha beta…"
    assert len(cut) <= 14


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        '[titled](javascript:alert(1) "a > b")',
        "[tab](java\tscript:alert(1))",
        "[relative](../secret/)",
        "[entity](&#106;avascript:alert(1))",
    ],
)
def test_a_refused_link_leaves_its_text_and_no_empty_anchor(text: str) -> None:
    """A link without href but with rel is invalid HTML; the text reads on without a link."""
    html = render_markdown(text)
    assert soup(html).find("a") is None, html
    assert soup(html).get_text().strip() in text


def test_link_urls_are_percent_encoded_into_valid_hrefs() -> None:
    html = render_markdown('[paper](https://example.org/a b"c) and <https://example.org/ü>')
    assert [a["href"] for a in soup(html).find_all("a")] == [
        "https://example.org/a%20b%22c",
        "https://example.org/%C3%BC",
    ]
