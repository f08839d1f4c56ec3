"""markup.py: abstract Markdown into safe HTML. Raw HTML is shown as text, never run."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.markup import (
    MarkdownRenderer,
    plain_text,
    render_markdown,
    render_title,
    summary_html,
    text_of,
)

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


# --- formats: plain text reads as written ------------------------------------------------------


def text_html(text: str, math: bool = True) -> str:
    return MarkdownRenderer(math=math).abstract(text, "text").html


@pytest.mark.parametrize("text", ATTACKS)
def test_attacks_are_neutralised_in_plain_text(text: str) -> None:
    assert_safe(text_html(text))
    assert soup(text_html(text)).get_text() == text  # and shown exactly as written


@pytest.mark.parametrize(
    "text",
    [
        "estimating frame-wise f_0 values",
        "a*b*c and x_1 * y_2",
        "we rank #1 on the board",
        "2 * 3 = 6 and 4 * 5 = 20",
        "**not bold** and __not bold__ and `not code`",
        "[not a link](https://x.io/a) kept",
        "AT&amp;T, R&D & x < y > z",
        "<b>not bold</b> and <!-- not a comment -->",
    ],
)
def test_plain_text_is_not_markdown(text: str) -> None:
    html = text_html(text)
    tree = soup(html)
    assert tree.get_text() == text
    assert tree.find(["em", "strong", "code", "h1", "ul", "ol", "blockquote", "b"]) is None


@pytest.mark.parametrize(
    "line", ["- starts with a dash", "1. starts with a number", "# starts with a hash", "> quoted"]
)
def test_plain_text_lines_that_look_like_markdown_blocks_read_as_written(line: str) -> None:
    tree = soup(text_html(f"{line}\nand more"))
    assert [p.get_text() for p in tree.find_all("p")] == [f"{line}\nand more"]
    assert tree.find(["ul", "ol", "h1", "blockquote"]) is None


def test_plain_text_blank_lines_make_paragraphs() -> None:
    tree = soup(text_html("First one\nwraps.\n\n  \nSecond one."))
    assert [p.get_text() for p in tree.find_all("p")] == ["First one\nwraps.", "Second one."]


def test_plain_text_urls_are_linked() -> None:
    html = text_html("Code: https://github.com/o/r. Demo at https://o.github.io/r/!")
    assert [href for href, _ in links(html)] == ["https://github.com/o/r", "https://o.github.io/r/"]
    assert soup(html).get_text() == "Code: https://github.com/o/r. Demo at https://o.github.io/r/!"


def test_plain_text_reads_tex_escapes() -> None:
    assert soup(text_html(r"91.86\% of R\&D costs \$5 for item \#1 and f\_0")).get_text() == (
        "91.86% of R&D costs $5 for item #1 and f_0"
    )


def test_markdown_reads_tex_escapes_for_dollar_percent_and_ampersand() -> None:
    assert soup(render_markdown(r"\$5 for 50\% of R\&D")).get_text() == "$5 for 50% of R&D"


# --- math ---------------------------------------------------------------------------------------


def maths(html: str) -> list[tuple[str, str]]:
    """(display, TeX source) of every formula in the HTML."""
    return [(m["display"], m.find("annotation").get_text()) for m in soup(html).find_all("math")]


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_inline_and_display_math_in_both_formats(fmt: str) -> None:
    html = MarkdownRenderer().abstract(r"Cost $O(n^2)$ and $$\sum_i x_i$$ end.", fmt).html
    assert maths(html) == [("inline", "O(n^2)"), ("block", r"\sum_i x_i")]
    assert soup(html).find("math").find("msup") is not None


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_prices_stay_text(fmt: str) -> None:
    html = MarkdownRenderer().abstract("It costs $5 and $10, or $20,000.", fmt).html
    assert maths(html) == []
    assert soup(html).get_text() == "It costs $5 and $10, or $20,000."


def test_math_subscripts_and_stars_are_not_emphasis_in_markdown() -> None:
    html = render_markdown(r"We use $a_1 * b_2 * c_3$ and $x_i^*$ here.")
    assert soup(html).find("em") is None
    assert maths(html) == [("inline", "a_1 * b_2 * c_3"), ("inline", "x_i^*")]


def test_math_in_code_is_left_alone() -> None:
    html = render_markdown("Inline `$x^2$` and a block:\n\n    $$y$$\n")
    assert maths(html) == []
    assert [c.get_text() for c in soup(html).find_all("code")] == ["$x^2$", "$$y$$\n"]


def test_escaped_dollar_is_a_dollar_in_markdown() -> None:
    html = render_markdown(r"Pay \$x\$ or $y$.")
    assert maths(html) == [("inline", "y")]
    assert soup(html).get_text().startswith("Pay $x$ or ")


@pytest.mark.parametrize("fmt", ["markdown", "text"])
@pytest.mark.parametrize(
    "text",
    [
        "$<script>alert(1)</script>$",
        r"$\href{javascript:alert(1)}{x}$",
        r"$\style{background:url(javascript:alert(1))}{x}$",
        r"$\unicode{x3C}script\unicode{x3E}alert(1)$",
        r"$\text{<img src=x onerror=alert(1)>}$",
        r"$\text{</math><script>alert(1)</script>}$",
        r"$$\href{javascript:alert(1)}{\text{<svg onload=alert(1)>}}$$",
        r'$\color{red" onmouseover="alert(1)}{x}$',
        r"$\class{skip-link}{x}$",
    ],
)
def test_math_cannot_carry_script_or_javascript_urls(text: str, fmt: str) -> None:
    html = MarkdownRenderer().abstract(text, fmt).html
    assert_safe(html)
    tree = soup(html)
    assert tree.find("math") is not None
    for tag in tree.find_all(True):
        assert not {"href", "style", "class"} & set(tag.attrs), tag


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_bad_math_falls_back_to_its_source_and_is_reported(fmt: str) -> None:
    rendered = MarkdownRenderer().abstract(r"Good $x$, bad $\frac{1}{$ and <b>$y^$</b>.", fmt)
    tree = soup(rendered.html)
    assert [c.get_text() for c in tree.select("code.tex")] == [r"$\frac{1}{$", "$y^$"]
    assert maths(rendered.html) == [("inline", "x")]
    assert [p.source for p in rendered.problems] == [r"$\frac{1}{$", "$y^$"]
    assert all(p.reason for p in rendered.problems)


def test_problems_are_per_call() -> None:
    renderer = MarkdownRenderer()
    assert renderer.abstract("$x^$").problems
    assert renderer.abstract("$x$").problems == ()


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_math_switched_off_leaves_dollars_as_text(fmt: str) -> None:
    html = MarkdownRenderer(math=False).abstract("Energy $E=mc^2$ and $$x$$.", fmt).html
    assert soup(html).find("math") is None
    assert soup(html).get_text() == "Energy $E=mc^2$ and $$x$$."


# --- TeX typography -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["markdown", "text"])
@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "is there one that is ``better'' than others?",
            "is there one that is “better” than others?",
        ),
        ("a larger `teacher' network", "a larger ‘teacher’ network"),
        ("a `don't' quote", "a ‘don't’ quote"),
        ("a different route -- we", "a different route – we"),
        ("pages 10--20", "pages 10–20"),
        ("on The PILE---showing", "on The PILE—showing"),
        ("a pause --- here", "a pause — here"),
        ("run with --strict or -- x", "run with --strict or – x"),
        ("state-of-the-art", "state-of-the-art"),
    ],
)
def test_tex_quotes_and_dashes(text: str, shown: str, fmt: str) -> None:
    html = MarkdownRenderer().abstract(text, fmt).html
    assert soup(html).get_text() == shown


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_typography_leaves_urls_and_math_alone(fmt: str) -> None:
    html = MarkdownRenderer().abstract("See https://x.io/a--b and $a--b$ -- ok", fmt).html
    assert links(html) == [("https://x.io/a--b", "https://x.io/a--b")]
    assert maths(html) == [("inline", "a--b")]
    assert soup(html).get_text().endswith(" – ok")


def test_typography_leaves_markdown_code_alone() -> None:
    html = render_markdown("Run `x -- y` and ``` ``q'' ``` -- done")
    assert [c.get_text() for c in soup(html).find_all("code")] == ["x -- y", "``q''"]
    assert soup(html).get_text().endswith(" – done")


# --- titles -------------------------------------------------------------------------------------


def test_title_renders_math_and_typography_and_nothing_else() -> None:
    title = render_title(r"Linear attention in $O(n)$ -- ``fast'' *and* <b>safe</b> $$x$$")
    tree = soup(title.html)
    assert maths(title.html) == [("inline", "O(n)"), ("inline", "x")]  # $$ is inline in a title
    assert tree.find(["em", "b", "p", "a"]) is None
    assert title.text == "Linear attention in O(n) – “fast” *and* <b>safe</b> x"


@pytest.mark.parametrize(
    "title",
    [
        "<script>alert('title')</script> Attention",
        r"Hostile $\href{javascript:alert(1)}{x}$ $\text{<img src=x onerror=alert(1)>}$",
        '"><img src=x onerror=alert(10)> {{ 7*7 }}',
    ],
)
def test_hostile_titles_are_safe(title: str) -> None:
    assert_safe(render_title(title).html)


def test_title_with_bad_math_falls_back() -> None:
    title = render_title("Broken $x^$ math")
    assert soup(title.html).select_one("code.tex").get_text() == "$x^$"
    assert [p.source for p in title.problems] == ["$x^$"]
    assert title.text == "Broken $x^$ math"


def test_title_without_math_switch() -> None:
    title = render_title("About $x$ and R&amp;D", math=False)
    assert soup(title.html).find("math") is None
    assert soup(title.html).get_text() == "About $x$ and R&amp;D"


# --- plain text and card summaries --------------------------------------------------------------


def test_plain_text_of_rendered_html_shows_math_as_tex() -> None:
    rendered = MarkdownRenderer().abstract("We **show** $O(n^2)$ cost.\n\n- one\n- two", "markdown")
    assert rendered.text == "We show O(n^2) cost. one two"
    assert text_of("<p>a &lt; b</p><p>c</p>") == "a < b c"


def test_summary_keeps_inline_markup_and_math_and_drops_blocks_and_links() -> None:
    html = render_markdown("We **show** $O(n)$ with [a link](https://x.io).\n\n- one\n- two")
    summary = soup(summary_html(html, 300))
    assert summary.find(["p", "ul", "li", "a"]) is None
    assert summary.find("strong").get_text() == "show"
    assert maths(str(summary)) == [("inline", "O(n)")]
    assert " ".join(summary.get_text().split()).endswith("with a link. one two")


def test_summary_is_cut_at_a_word_and_never_inside_math() -> None:
    html = render_markdown("alpha beta gamma $x+y$ delta epsilon")
    assert soup(summary_html(html, 14)).get_text() == "alpha beta…"
    cut = summary_html(html, 20)  # room for the formula's text, not for what follows
    assert maths(cut) == [("inline", "x+y")]
    assert soup(cut).get_text().endswith("…")
    short = summary_html(html, 19)  # no room for the whole formula: it is left out
    assert maths(short) == []
    assert soup(short).get_text() == "alpha beta gamma…"


def test_summary_ends_before_display_math() -> None:
    html = render_markdown("We train with $$L = \\sum_i \\ell_i$$ and more text.")
    summary = summary_html(html, 300)
    assert maths(summary) == []
    assert soup(summary).get_text() == "We train with…"


def test_summary_of_unclosed_inline_markup_is_closed() -> None:
    html = "<p>a <em>very long emphasised text that goes on</em> and on</p>"
    assert summary_html(html, 20) == "a <em>very long…</em>"


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


# --- abstracts without Markdown syntax skip Markdown ------------------------------------------
# They are converted as plain text, which must give exactly what Markdown gives.

_PIECES = [*"abcXYZ019 .,;:()'\"?%/=+-\n\t", "  ", "\n\n", "--", "---", "é", "ß", "\u00a0",
           "\u2014", "http://ex.org/a", "www.x.io", "1. ", "word ", "Word. ", "\x02",
           "\r\n"]  # fmt: skip
_PROSE = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=_PROSE)
def test_prose_without_markdown_syntax_renders_as_markdown_would(text: str) -> None:
    from site_builder.markup import _MARKDOWN_SYNTAX, MarkdownRenderer

    renderer = MarkdownRenderer()
    slow = renderer._finish(renderer._markdown(text))
    fast = renderer.abstract(text)
    if not _MARKDOWN_SYNTAX.search(text):
        assert (fast.html, fast.text) == (slow.html, slow.text)
    else:
        assert fast == slow  # anything else still goes through Markdown


def test_real_abstracts_render_the_same_by_either_path() -> None:
    import json
    from pathlib import Path

    from site_builder.markup import _MARKDOWN_SYNTAX, MarkdownRenderer

    data = Path(__file__).resolve().parents[2] / "bench" / "data"
    texts = [
        json.loads(line)["abstract"]
        for name in ("arxiv-real", "arxiv-ml", "arxiv-ml2")
        for line in (data / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    renderer = MarkdownRenderer()
    plain = [t for t in texts if not _MARKDOWN_SYNTAX.search(t)]
    assert len(plain) > len(texts) / 2  # most abstracts take the quick path
    for text in plain:
        slow = renderer._finish(renderer._markdown(text))
        assert renderer.abstract(text) == slow, text[:80]
