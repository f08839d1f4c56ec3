"""The one diagnostic type: its text, its collector, the old names kept working."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.errors import (
    ContentError,
    Diagnostic,
    Diagnostics,
    ErrorList,
    SiteError,
    Warn,
    did_you_mean,
    raise_collected,
    suggestion,
)


def test_text_is_path_line_column_message_hint() -> None:
    assert str(Diagnostic("bad", "a.md", 3, 7, hint="did you mean 'x'?")) == (
        "a.md:3:7: bad (did you mean 'x'?)"
    )
    assert str(Diagnostic("bad", "a.md", 3)) == "a.md:3: bad"
    assert str(Diagnostic("bad", "a.md")) == "a.md: bad"
    assert str(Diagnostic("bad")) == "bad"


def test_paths_are_made_relative_to_the_site(tmp_path: Path) -> None:
    inside = Diagnostic("x", tmp_path / "topics.yaml", 2).relative_to(tmp_path)
    assert str(inside) == "topics.yaml:2: x"
    outside = Diagnostic("x", "/elsewhere/t.yaml", 2).relative_to(tmp_path)
    assert outside.path == "/elsewhere/t.yaml"


def test_warn_and_errors_keep_their_old_signatures() -> None:
    w = Warn("odd", "a.md", 4)
    assert w.severity == "warning" and str(w) == "a.md:4: odd"
    assert isinstance(w, Diagnostic)
    err = ContentError("broken", "a.md", 2)
    assert (err.message, err.path, err.line, str(err)) == ("broken", "a.md", 2, "a.md:2: broken")
    assert err.diagnostics == (Diagnostic("broken", "a.md", 2),)
    assert isinstance(w.as_error(), ContentError)


def test_error_list_keeps_each_error_and_its_diagnostic() -> None:
    a, b = ContentError("one", "a.md", 1), ContentError("two", "b.md", 2)
    with pytest.raises(ErrorList) as info:
        raise_collected([a, b])
    assert info.value.errors == (a, b)
    assert str(info.value) == "a.md:1: one\nb.md:2: two"
    with pytest.raises(ContentError):
        raise_collected([a])
    raise_collected([])  # nothing to raise


def test_diagnostics_collects_and_strict_turns_warnings_into_errors() -> None:
    found = Diagnostics()
    found.warn("w", "a.md", 1)
    assert found.ok and len(found.warnings) == 1
    found.raise_errors()  # warnings alone do not stop
    strict = found.strict()
    assert not strict.ok
    with pytest.raises(SiteError, match=r"^a\.md:1: w$"):
        strict.raise_errors()
    found.catch(ErrorList([ContentError("e1", "b.md", 2), ContentError("e2", "c.md", 3)]))
    with pytest.raises(ErrorList) as info:
        found.raise_errors()
    assert str(info.value) == "b.md:2: e1\nc.md:3: e2"


def test_one_did_you_mean() -> None:
    assert did_you_mean("titel", ["title", "date"]) == "title"
    assert did_you_mean("zzz", ["title", "date"]) is None
    assert suggestion("autors", ["authors"]) == " (did you mean 'authors'?)"
    assert suggestion("zzz", ["authors"]) == ""


def test_a_place_in_a_file_without_lines() -> None:
    d = Warn("no title; skipped", "daily.json", place="$[2].paper")
    assert str(d) == "daily.json: $[2].paper: no title; skipped"
    assert str(d.as_error()) == "daily.json: $[2].paper: no title; skipped"
    assert d.as_error().diagnostic.place == "$[2].paper"


def test_strict_makes_warnings_errors_but_leaves_notes() -> None:
    found = Diagnostics()
    found.warn("w", "a.md", 1)
    found.note("merged", "b.bib", 3)
    strict = found.strict()
    assert [d.severity for d in strict] == ["error", "note"]
    assert found.notes == (Diagnostic("merged", "b.bib", 3, severity="note"),)
    with pytest.raises(ContentError) as caught:
        strict.raise_errors(ContentError)
    assert str(caught.value) == "a.md:1: w"
