"""A site with TeX math in titles and abstracts, built end to end (tests/sites/math)."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from site_builder.config import load_config
from site_builder.enrich import topics
from site_builder.load import load_papers
from site_builder.taxonomy import load_taxonomy
from site_builder.urls import Urls
from site_builder.views import ViewStore

from .conftest import run_cli
from .sitecheck import broken_links, html_pages, inert_problems, soup

MATH_SITE = Path(__file__).parent / "math"
WARNINGS = [
    "warning: content/papers/bad-math.md:2: title: cannot render math $x^$ "
    "(missing super script or subscript); shown as TeX source",
    "warning: content/papers/bad-math.md:9: cannot render math $\\frac{1}{$ "
    "(no available tokens); shown as TeX source",
]


def copy_site(root: Path) -> Path:
    site = root / "site"
    shutil.copytree(MATH_SITE, site)
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The site built under /repo/, and what the build printed on stderr (its warnings)."""
    site = copy_site(tmp_path_factory.mktemp("math"))
    out = site / "output"
    err = io.StringIO()  # capsys is per test; this fixture is per module
    with contextlib.redirect_stderr(err):
        code = run_cli("--site", str(site), "build", "--base-url", "https://u.github.io/repo/")
    assert code == 0
    return out, err.getvalue()


def page(out: Path, slug: str):
    return soup(out / "papers" / slug / "index.html")


def test_bad_math_is_a_warning_naming_file_and_line(built) -> None:
    _out, err = built
    assert err.splitlines() == WARNINGS


def test_strict_build_fails_on_bad_math_and_writes_nothing(tmp_path: Path, capsys) -> None:
    site = copy_site(tmp_path)
    assert (
        run_cli("--site", str(site), "build", "--strict", "--base-url", "https://u.github.io/repo/")
        == 1
    )
    err = capsys.readouterr().err
    assert [line.replace("error:", "warning:", 1) for line in err.splitlines()[:2]] == WARNINGS
    assert "Traceback" not in err
    assert not (site / "output").exists()


def test_title_math_on_the_page_plain_in_title_and_meta(built) -> None:
    out, _err = built
    doc = page(out, "linear-attention")
    h1 = doc.h1
    assert [m["display"] for m in h1.find_all("math")] == ["inline", "inline"]
    assert h1.find("msqrt") is not None
    assert doc.title.get_text() == (
        "Linear attention in O(n) time – “fast” transformers with \\sqrt{d} scaling · Math fixture"
    )
    description = doc.find("meta", attrs={"name": "description"})["content"]
    assert description.startswith(
        "Softmax attention computes \\mathrm{softmax}(QK^\\top/\\sqrt{d})V"
    )


def test_views_give_plain_text_with_math_as_tex(tmp_path: Path) -> None:
    config = load_config(copy_site(tmp_path))
    papers, _warnings = load_papers(config)
    site = topics.assign(papers, load_taxonomy(config.topics_file), config.max_topics)
    views = ViewStore(site, Urls("/", ""), site_dir=config.site_dir)
    view = views.paper("linear-attention")
    for paper in site.papers:
        views.texts(paper.slug)
    warnings = [w for paper in site.papers for w in views.problems[paper.slug]]
    assert view.abstract_text.startswith("Softmax attention computes \\mathrm{softmax}(QK^")
    assert "\\mathbb{E}_{x_0" in view.abstract_text and "<math" not in view.abstract_text
    assert (
        view.title == "Linear attention in O(n) time – “fast” transformers with \\sqrt{d} scaling"
    )
    assert [str(w) for w in warnings] == [w.removeprefix("warning: ") for w in WARNINGS]


def test_abstract_has_inline_and_display_math(built) -> None:
    out, _err = built
    abstract = page(out, "linear-attention").select_one(".abstract")
    displays = [m["display"] for m in abstract.find_all("math")]
    assert displays == ["inline", "inline", "block"]
    assert (
        abstract.find("math", display="block")
        .find("annotation")
        .get_text()
        .startswith("L(\\theta) = \\mathbb{E}")
    )


def test_plain_text_abstract_reads_as_written(built) -> None:
    out, _err = built
    abstract = page(out, "linear-attention").select_one(".abstract")
    text = abstract.get_text()
    for written in [
        "so it costs $5 per run and $10 per batch",
        "estimate f_0 with a*b*c and x_1 * y_2 features; 2 * 3 = 6, a $ sign and 91.86% accuracy",
        "A ‘teacher’ network is “better” than the rest—mostly.",
        "\n- this line starts with a dash\n1. and this one with a number"
        "\n# and this one with a hash\n> and this one with a quote mark\n",
        "Raw <b>tags</b> & AT&amp;T stay as written (x < y).",
    ]:
        assert written in text
    assert abstract.find(["em", "strong", "ul", "ol", "h1", "blockquote", "b"]) is None
    assert [a["href"] for a in abstract.find_all("a")] == ["https://github.com/o/linear"]


def test_markdown_abstract_keeps_markdown_with_math(built) -> None:
    out, _err = built
    abstract = page(out, "markdown-abstract").select_one(".abstract")
    assert abstract.find("strong").get_text() == "bold"
    assert abstract.find("em").get_text() == "emphasis"
    assert abstract.find("a", href="https://example.org/paper").get_text() == "a link"
    assert abstract.find("code").get_text() == "$not math$"
    assert len(abstract.find_all("math")) == 2
    assert abstract.find("li").find("math") is not None


def test_cards_show_title_and_summary_math(built) -> None:
    out, _err = built
    cards = soup(out / "index.html").select(".card")
    first = next(c for c in cards if "Linear attention" in c.get_text())
    assert len(first.select_one(".card-title a").find_all("math")) == 2
    summary = first.select_one(".summary")
    assert len(summary.find_all("math")) == 2  # inline math kept, display math ends the summary
    assert summary.get_text().endswith("We train with the usual diffusion loss…")


def test_neighbour_links_show_title_math(built) -> None:
    out, _err = built
    newer = page(out, "markdown-abstract").select_one(".prev-next .newer")
    assert newer.find("math") is not None


def test_bad_math_shows_its_source(built) -> None:
    out, _err = built
    doc = page(out, "bad-math")
    assert doc.h1.select_one("code.tex").get_text() == "$x^$"
    assert doc.select_one(".abstract code.tex").get_text() == "$\\frac{1}{$"
    assert "and then text goes on." in doc.select_one(".abstract").get_text()


def test_hostile_math_runs_nothing(built) -> None:
    out, _err = built
    for path in html_pages(out):
        assert inert_problems(soup(path), "/repo/") == [], path
    doc = page(out, "hostile-math")
    assert len(doc.select(".abstract math")) == 8
    assert doc.select(".abstract [class]") == []  # \class{skip-link}{z} gave no class


def test_links_resolve_under_the_sub_path(built) -> None:
    out, _err = built
    assert broken_links(out, "/repo/") == []


def test_math_switched_off_leaves_no_math(tmp_path: Path, capsys) -> None:
    site = copy_site(tmp_path)
    with (site / "site.yaml").open("a", encoding="utf-8") as fh:
        fh.write("math: false\n")
    assert (
        run_cli("--site", str(site), "build", "--strict", "--base-url", "https://u.github.io/repo/")
        == 0
    )  # no math, so no bad math
    for path in html_pages(site / "output"):
        doc = soup(path)
        assert doc.find("math") is None, path
        assert doc.select("code.tex") == [], path
    doc = page(site / "output", "linear-attention")
    assert doc.h1.get_text().startswith("Linear attention in $O(n)$ time – “fast”")
    assert "$$L(\\theta) = " in doc.select_one(".abstract").get_text()
