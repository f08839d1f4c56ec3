"""Template errors in the template's words: file, line, page, the undefined expression."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest

from site_builder.template_errors import template_diagnostic


@dataclass(frozen=True)
class PaperView:
    title: str = "A paper"


def render_error(tmp_path: Path, files: dict[str, str], name: str, **context: object):
    templates = tmp_path / "templates"
    templates.mkdir(exist_ok=True)
    for rel, text in files.items():
        (templates / rel).write_text(text, encoding="utf-8")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)), undefined=jinja2.StrictUndefined
    )
    with pytest.raises(Exception) as info:
        env.get_template(name).render(**context)
    return template_diagnostic(info.value, name, "/papers/a/", tmp_path)


def test_missing_attribute_is_named_as_written_in_the_template(tmp_path: Path) -> None:
    d = render_error(
        tmp_path,
        {"paper.html": "<h1>{{ paper.title }}</h1>\n<p>{{ paper.nosuch }}</p>\n"},
        "paper.html",
        paper=PaperView(),
    )
    assert str(d) == (
        "templates/paper.html:2: paper.nosuch is undefined (while rendering /papers/a/)"
    )
    assert "object" not in str(d)
    assert d.severity == "error"


def test_error_in_an_included_template_names_that_template(tmp_path: Path) -> None:
    d = render_error(
        tmp_path,
        {"paper.html": "x\n{% include '_card.html' %}\n", "_card.html": "\n\n{{ card.size }}\n"},
        "paper.html",
        card={"title": "t"},
    )
    assert str(d) == "templates/_card.html:3: card.size is undefined (while rendering /papers/a/)"


def test_undefined_name(tmp_path: Path) -> None:
    d = render_error(tmp_path, {"a.html": "ok\n{{ nobody }}\n"}, "a.html")
    assert (d.path, d.line, d.message) == ("templates/a.html", 2, "nobody is undefined")


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    d = render_error(tmp_path, {"a.html": "one\n{% if x %}\ntwo\n"}, "a.html")
    assert d.path == "templates/a.html"
    assert d.message.startswith("template syntax error: Unexpected end of template")
    assert d.line == 2  # where the unclosed {% if %} opened


def test_other_runtime_errors_keep_the_template_line(tmp_path: Path) -> None:
    d = render_error(tmp_path, {"a.html": "\n{{ 1 // n }}\n"}, "a.html", n=0)
    assert (d.path, d.line) == ("templates/a.html", 2)
    assert "division" in d.message


def test_packaged_theme_templates_are_named_from_themes(tmp_path: Path) -> None:
    theme = tmp_path / "pkg" / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    (theme / "t.html").write_text("{{ paper.gone }}", encoding="utf-8")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(theme)), undefined=jinja2.StrictUndefined
    )
    with pytest.raises(jinja2.UndefinedError) as info:
        env.get_template("t.html").render(paper=PaperView())
    d = template_diagnostic(info.value, "t.html", "/", tmp_path / "site")
    assert str(d) == (
        "themes/default/templates/t.html:1: paper.gone is undefined (while rendering /)"
    )
