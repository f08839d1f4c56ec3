"""sources/daily_papers.py and sources/__init__.py: the daily-papers dump into records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.errors import ContentError
from site_builder.sources import read_text
from site_builder.sources.daily_papers import parse, parse_date_line

TODAY = dt.date(2030, 1, 2)
HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\n"
    "Subscribe\n\nbyAK and the research community\n\n"
)
ABSTRACT_A = "We study a thing. It works well on many benchmarks."
ABSTRACT_B = "Another method for another task. Results are strong."


def write_dump(tmp_path: Path, text: str, name: str = "dump.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def write_bytes(tmp_path: Path, data: bytes, name: str = "dump.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def titles(result) -> list[str]:
    return [r.title for r in result.records]


# --- the real dump ----------------------------------------------------------------------------


def test_real_dump_parses_to_51_papers(real_dump: Path) -> None:
    result = parse(real_dump, 2024, today=TODAY)
    assert len(result.records) == 51
    first, last = result.records[0], result.records[-1]
    assert first.title == (
        "Neural Network-Based Score Estimation in Diffusion Models: Optimization and Generalization"
    )
    assert first.abstract.startswith("Diffusion models have emerged as a powerful tool")
    assert first.line == 11
    assert last.title == (
        "MIMO Is All You Need : A Strong Multi-In-Multi-Out Baseline for Video Prediction"
    )
    assert last.abstract.startswith("The mainstream of the existing approaches for video")
    assert {r.date for r in result.records} == {dt.date(2024, 3, 11)}
    assert result.warnings == ()


def test_real_dump_year_comes_from_the_argument(real_dump: Path) -> None:
    result = parse(real_dump, 2023, today=TODAY)
    assert {r.date for r in result.records} == {dt.date(2023, 3, 11)}


def test_real_dump_titles_are_distinct_and_abstracts_not_empty(real_dump: Path) -> None:
    result = parse(real_dump, 2024, today=TODAY)
    assert len(set(titles(result))) == 51
    assert all(len(r.abstract) > 100 for r in result.records)
    assert not any(r.title in ("new", "Subscribe", "Mar 11") for r in result.records)


# --- layout variations ------------------------------------------------------------------------


def test_header_lines_are_skipped(tmp_path: Path) -> None:
    path = write_dump(tmp_path, HEADER + f"Mar 11\n\nPaper A\n\n{ABSTRACT_A}\n")
    result = parse(path, 2024, today=TODAY)
    assert titles(result) == ["Paper A"]
    assert result.records[0].abstract == ABSTRACT_A
    assert result.records[0].line == 11
    assert result.warnings == ()


def test_crlf_line_endings(tmp_path: Path) -> None:
    text = HEADER + f"Mar 11\n\nPaper A\n\n{ABSTRACT_A}\n\nPaper B\n\n{ABSTRACT_B}\n"
    lf = parse(write_dump(tmp_path, text, "lf.txt"), 2024, today=TODAY)
    crlf = parse(write_dump(tmp_path, text.replace("\n", "\r\n"), "crlf.txt"), 2024, today=TODAY)
    assert crlf.records == lf.records
    assert all("\r" not in r.title + r.abstract for r in crlf.records)


def test_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    data = ("\ufeff" + f"Mar 11\n\nCafé Paper\n\n{ABSTRACT_A}\n").encode()
    result = parse(write_bytes(tmp_path, data), 2024, today=TODAY)
    assert titles(result) == ["Café Paper"]
    assert result.records[0].date == dt.date(2024, 3, 11)


def test_stray_spaces_and_tabs_are_tidied(tmp_path: Path) -> None:
    text = (
        "  new \n \t \nMar 11\t\n\t\n  Paper\t A  \n   \n"
        "  We study   a thing.\tIt works well.  \n\t\nPaper B\n\n" + ABSTRACT_B + "\n"
    )
    result = parse(write_dump(tmp_path, text), 2024, today=TODAY)
    assert titles(result) == ["Paper A", "Paper B"]
    assert result.records[0].abstract == "We study a thing. It works well."
    assert result.records[0].date == dt.date(2024, 3, 11)


def test_abstract_wrapped_over_several_lines_is_joined(tmp_path: Path) -> None:
    text = (
        "Mar 11\n\nPaper A\n\nWe study a thing\nover several lines\nof the dump.\n\n"
        f"Paper B\n\n{ABSTRACT_B}\n"
    )
    result = parse(write_dump(tmp_path, text), 2024, today=TODAY)
    assert titles(result) == ["Paper A", "Paper B"]
    assert result.records[0].abstract == "We study a thing over several lines of the dump."


def test_several_date_lines_date_the_papers_after_them(tmp_path: Path) -> None:
    text = (
        "Mar 11\n\nPaper A\n\n" + ABSTRACT_A + "\n\n"
        "Mar 12\n\nPaper B\n\n" + ABSTRACT_B + "\n\n"
        "Paper C\n\nA third one. It is also good.\n\n"
        "Apr 1\n\nPaper D\n\nA fourth one. It is fine.\n"
    )
    result = parse(write_dump(tmp_path, text), 2024, today=TODAY)
    assert [(r.title, r.date) for r in result.records] == [
        ("Paper A", dt.date(2024, 3, 11)),
        ("Paper B", dt.date(2024, 3, 12)),
        ("Paper C", dt.date(2024, 3, 12)),
        ("Paper D", dt.date(2024, 4, 1)),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("March 11, 2024", dt.date(2024, 3, 11)),
        ("Mar 11 2022", dt.date(2022, 3, 11)),
        ("2024-03-11", dt.date(2024, 3, 11)),
        ("Mar 11", dt.date(2020, 3, 11)),
        ("Sept 3rd", dt.date(2020, 9, 3)),
        ("mar. 5", dt.date(2020, 3, 5)),
    ],
)
def test_date_line_forms(tmp_path: Path, line: str, expected: dt.date) -> None:
    path = write_dump(tmp_path, f"{line}\n\nPaper A\n\n{ABSTRACT_A}\n")
    result = parse(path, 2020, today=TODAY)
    assert [(r.title, r.date) for r in result.records] == [("Paper A", expected)]
    assert result.warnings == ()


@pytest.mark.parametrize("line", ["Attention 2", "Mar 32", "2024-02-30", "Transformers 10", "Mar"])
def test_not_a_date_line(line: str) -> None:
    assert parse_date_line(line, 2024) is None


def test_last_title_without_abstract_is_skipped_with_a_warning(tmp_path: Path) -> None:
    text = f"Mar 11\n\nPaper A\n\n{ABSTRACT_A}\n\nDangling Title\n"
    result = parse(write_dump(tmp_path, text), 2024, today=TODAY)
    assert titles(result) == ["Paper A"]
    assert len(result.warnings) == 1
    warning = str(result.warnings[0])
    assert warning.startswith(f"{tmp_path / 'dump.txt'}:7: ")  # the file as it was given
    assert "Dangling Title" in warning and "no abstract" in warning


def test_papers_before_any_date_line_get_today_with_a_warning(tmp_path: Path) -> None:
    text = f"Paper A\n\n{ABSTRACT_A}\n\nMar 11\n\nPaper B\n\n{ABSTRACT_B}\n"
    result = parse(write_dump(tmp_path, text), 2024, today=TODAY)
    assert [(r.title, r.date) for r in result.records] == [
        ("Paper A", TODAY),
        ("Paper B", dt.date(2024, 3, 11)),
    ]
    assert len(result.warnings) == 1
    assert result.warnings[0].line == 1
    assert "2030-01-02" in str(result.warnings[0])


# --- errors -----------------------------------------------------------------------------------


def test_invalid_utf8_names_file_line_and_offset(tmp_path: Path) -> None:
    data = b"Mar 11\n\nPaper A\n\nWe study \xff things.\n"
    path = write_bytes(tmp_path, data)
    with pytest.raises(ContentError) as info:
        parse(path, 2024, today=TODAY)
    err = info.value
    assert err.path == str(path)
    assert err.line == 5
    assert "offset 26" in str(err)  # len(b"Mar 11\n\nPaper A\n\nWe study ")
    assert "0xff" in str(err)
    assert str(err).startswith(f"{path}:5:10: not UTF-8")
    assert str(err).endswith("(save the file as UTF-8 and try again)")


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="empty"):
        parse(write_dump(tmp_path, ""), 2024, today=TODAY)


def test_blank_only_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="empty"):
        parse(write_dump(tmp_path, "\n  \n\t\r\n"), 2024, today=TODAY)


def test_file_with_only_headers_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no papers found") as info:
        parse(write_dump(tmp_path, HEADER + "Mar 11\n"), 2024, today=TODAY)
    assert "dump.txt" in str(info.value)


def test_missing_source_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no such file"):
        read_text(tmp_path / "nope.txt")


def test_source_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="folder"):
        read_text(tmp_path)
