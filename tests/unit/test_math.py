"""mathml.py: where TeX math is in text, and MathML for it that carries nothing but math."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from latex2mathml import commands, converter

from site_builder import mathml
from site_builder.mathml import ALLOWED, MathError, find_math, to_element, to_html


def spans(text: str) -> list[tuple[str, bool]]:
    return [(s.tex, s.display) for s in find_math(text)]


# --- delimiters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("energy $E=mc^2$ here", [("E=mc^2", False)]),
        ("$a$ and $b$", [("a", False), ("b", False)]),
        ("display $$\\sum_i x_i$$ math", [("\\sum_i x_i", True)]),
        ("$$ x + y $$", [(" x + y ", True)]),
        ("spans\n$a +\nb$ lines", [("a +\nb", False)]),
        ("escaped \\$ in $x\\$y$", [("x\\$y", False)]),
    ],
)
def test_math_is_found(text: str, expected: list[tuple[str, bool]]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "it costs $5 and $10 a month",  # closing $ after a space
        "between $20,000 and $30,000",
        "$5-$10",  # closing $ followed by a digit
        "a lone $ sign",
        "$ x$",  # opening $ followed by a space
        "$x $",  # closing $ after a space
        "\\$x\\$",  # escaped on both sides
        "$$",
        "$$$$",
    ],
)
def test_prices_and_lone_dollars_are_not_math(text: str) -> None:
    assert spans(text) == []


def test_price_then_math_in_one_sentence() -> None:
    assert spans("costs $5, or $x$ per item") == [("x", False)]


def test_span_source_keeps_its_delimiters() -> None:
    inline, display = find_math("$a$ and $$b$$")
    assert (inline.source, display.source) == ("$a$", "$$b$$")


# --- conversion -------------------------------------------------------------------------------


def math_of(tex: str, display: bool = False) -> BeautifulSoup:
    return BeautifulSoup(to_html(tex, display), "html.parser").find("math")


def test_inline_and_display_math() -> None:
    assert math_of("x^2")["display"] == "inline"
    assert math_of("x^2", display=True)["display"] == "block"
    assert math_of("x^2").find("msup") is not None


def test_tex_source_rides_along_in_an_annotation() -> None:
    math = math_of(r"\frac{a}{b} < c")
    annotation = math.find("annotation")
    assert annotation["encoding"] == "application/x-tex"
    assert annotation.get_text() == r"\frac{a}{b} < c"
    # <semantics> shows its first child only: the rendering, not the source.
    assert [c.name for c in math.find("semantics").children] == ["mrow", "annotation"]


def test_characters_are_characters_not_entity_text() -> None:
    math = math_of(r"\alpha \le \mathbb{R}")
    assert "α" in math.get_text() and "≤" in math.get_text() and "ℝ" in math.get_text()
    assert "&#x" not in to_html(r"\alpha \le \mathbb{R}")


@pytest.mark.parametrize(
    "tex",
    [
        r"\text{<script>alert(1)</script>}",
        r"\mbox{<img src=x onerror=alert(1)>}",
        r"\text{]]><script>alert(1)</script>}",
        "<script>alert(1)</script>",
    ],
)
def test_markup_in_tex_is_text(tex: str) -> None:
    html = to_html(tex)
    assert "<script" not in html and "<img" not in html
    math = BeautifulSoup(html, "html.parser").find("math")
    assert math.find(["script", "img"]) is None
    assert "<" in math.find("annotation").get_text()  # shown as written, as text


@pytest.mark.parametrize(
    ("tex", "gone"),
    [
        (r"\href{javascript:alert(1)}{x}", "href"),
        (r"\style{background:url(javascript:alert(1))}{x}", "style"),
        (r"\class{skip-link}{x}", "class"),
        (r"\fcolorbox{red}{blue}{x}", "border-color"),
    ],
)
def test_attributes_that_could_carry_script_or_style_are_dropped(tex: str, gone: str) -> None:
    math = math_of(tex)
    assert all(gone not in tag.attrs for tag in math.find_all(True))
    rendering = math.find("semantics").find(True)
    assert "javascript" not in str(rendering)
    assert "x" in rendering.get_text()  # the content itself stays


def test_unicode_command_gives_a_character_not_markup() -> None:
    math = math_of(r"\unicode{x3C}script\unicode{x3E}")
    assert math.find("script") is None
    assert math.find("semantics").find(True).get_text() == "<script>"


@pytest.mark.parametrize("code", [r"\unicode{x0}", r"\unicode{xD800}", r"\unicode{x110000}"])
def test_impossible_characters_become_a_replacement_character(code: str) -> None:
    rendering = math_of(code).find("semantics").find(True).get_text()
    assert rendering == "\ufffd"


def test_colours_must_look_like_colours() -> None:
    assert math_of(r"\color{red}{x}").find("mstyle")["mathcolor"] == "red"
    assert math_of(r"\color{#ff0000}{x}").find("mstyle")["mathcolor"] == "#ff0000"
    styled = math_of(r'\color{red" onmouseover="alert(1)}{x}').find("mstyle")
    assert "mathcolor" not in styled.attrs


@pytest.mark.parametrize(
    "tex",
    [r"\frac{", r"x^", r"a_b_c", r"\begin{matrix}", r"\left(", r"\sqrt", "   ", "{" * 3000],
)
def test_bad_tex_raises_math_error_with_a_reason(tex: str) -> None:
    with pytest.raises(MathError) as info:
        to_element(tex)
    assert str(info.value)


def test_macro_bombs_stop_quickly() -> None:
    # \g would expand to 10**7 x's, each level ten times the one before.
    defs = r"\def\a{xxxxxxxxxx}" + "".join(
        rf"\def\{n}{{\{p}\{p}\{p}\{p}\{p}\{p}\{p}\{p}\{p}\{p}}}"
        for p, n in zip("abcdef", "bcdefg", strict=True)
    )
    started = time.perf_counter()
    with pytest.raises(MathError):
        to_element(defs + r"\g")
    assert time.perf_counter() - started < 5


# --- the allow-list is exactly what latex2mathml makes ------------------------------------------


def _tex_corpus() -> list[str]:
    """Every command and environment named in latex2mathml's source, with arguments of
    several shapes."""
    source = Path(commands.__file__).read_text() + Path(converter.__file__).read_text()
    names = {n.replace("\\\\", "\\") for n in re.findall(r'"(\\\\?[A-Za-z]+)"', source)}
    envs = set(re.findall(r'"([a-z]+\*?)"', source))
    corpus = []
    for c in sorted(n for n in names if n.startswith("\\")):
        corpus += [f"{c}{{a}}{{b}}{{c}}", f"{c}[2]{{a}}{{b}}", f"{c} x", f"x{c}y"]
        corpus.append(f"{c}{{1em}}{{2em}}")
    for e in sorted(envs):
        corpus.append(f"\\begin{{{e}}}a&b\\\\c&d\\end{{{e}}}")
        corpus.append(f"\\begin{{{e}}}{{c|c}}a&b\\\\\\hline c&d\\end{{{e}}}")
    corpus += [
        r"\left(x\right)", r"\sum_a^b", r"x_a^b", r"\int_0^1", r"\lim_{x\to0}", r"\overset{a}{b}",
        r"\underset{a}{b}", r"\substack{a\\b}", r"a'", r"\mathop{x}_a^b", r"\not\in", r"\middle|",
        r"\big(", r"\Big(", r"\sideset{}{}\sum", r"\colorbox{red}{x}", r"\rule{1em}{2em}",
        r"\begin{array}{c|c}a&b\\\hline c&d\end{array}",
    ]  # fmt: skip
    return corpus


def test_allow_list_covers_latex2mathml_output_except_the_dangerous_bits() -> None:
    emitted: dict[str, set[str]] = {}
    for tex in _tex_corpus():
        for display in ("inline", "block"):
            try:
                root = converter.convert_to_element(tex, display=display)
            except Exception:
                continue
            for el in root.iter():
                emitted.setdefault(el.tag, set()).update(el.attrib)
    dropped = {"href", "style", "class", "border-color"}
    for tag, attrs in emitted.items():
        assert tag in ALLOWED, tag
        # `\begin{text}{c|c}…` (no such environment) puts table lines on a token: meaningless.
        meaningless = {"columnlines"} if tag != "mtable" else set()
        assert attrs - ALLOWED[tag] <= dropped | meaningless, (tag, attrs - ALLOWED[tag])
    # ...and allows nothing latex2mathml never makes, apart from the TeX annotation.
    ours = {"semantics": set(), "annotation": {"encoding"}}
    for tag, attrs in ALLOWED.items():
        assert attrs <= emitted.get(tag, set()) | ours.get(tag, set()), tag


def test_every_element_of_our_output_is_allowed() -> None:
    for tex in _tex_corpus()[::7]:
        try:
            el = to_element(tex)
        except MathError:
            continue
        for node in el.iter():
            assert node.tag in ALLOWED
            assert set(node.attrib) <= ALLOWED[node.tag], (tex, node.tag, node.attrib)


def test_reason_words_come_from_the_exception_name() -> None:
    class DoubleSubscriptsError(Exception):
        pass

    assert mathml._reason(DoubleSubscriptsError()) == "double subscripts"
    assert mathml._reason(ValueError("bad thing")) == "value: bad thing"
