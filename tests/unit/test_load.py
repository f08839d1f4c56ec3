"""load.py: content/papers/*.md into Papers, every error in every file collected with its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.config import Config, load_config
from site_builder.errors import ContentError, ErrorList, SiteError
from site_builder.load import load_papers
from site_builder.model import Link, Paper

VALID = """---
title: Attention Is All You Need
date: 2024-03-11
slug: attention
authors:
  - Ada Lovelace
  - Alan Turing
topics:
  - Transformers
  - Machine translation
links:
  - url: https://github.com/o/r
    kind: code
  - url: https://o.github.io/r/
    kind: project
arxiv: '1706.03762'
doi: 10.48550/arXiv.1706.03762
source: dump.txt
---

We propose the *Transformer*.
"""


def make_site(tmp_path: Path) -> Config:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    return load_config(tmp_path)


def write_paper(config: Config, name: str, text: str) -> Path:
    path = config.papers_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def paper_text(
    title: str = "T", date: str = "2024-03-11", extra: str = "", body: str = "Body."
) -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{body}\n"


def load_error(config: Config) -> list[str]:
    """The messages of the error(s) load_papers raises, one string each."""
    with pytest.raises(SiteError) as info:
        load_papers(config)
    return [str(e) for e in getattr(info.value, "errors", (info.value,))]


# --- valid files ------------------------------------------------------------------------------


def test_valid_file_becomes_a_paper(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    path = write_paper(config, "attention.md", VALID)
    papers, warnings = load_papers(config)
    assert warnings == ()
    assert papers == (
        Paper(
            slug="attention",
            title="Attention Is All You Need",
            date=dt.date(2024, 3, 11),
            abstract="We propose the *Transformer*.",
            authors=("Ada Lovelace", "Alan Turing"),
            topics=("Transformers", "Machine translation"),
            links=(
                Link("https://github.com/o/r", "code"),
                Link("https://o.github.io/r/", "project"),
            ),
            arxiv="1706.03762",
            doi="10.48550/arXiv.1706.03762",
            source="dump.txt",
            path=path,
            topics_from_file=True,
        ),
    )


def test_minimal_file_slug_from_file_name(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "my-paper.md", paper_text())
    (paper,), _warnings = load_papers(config)
    assert paper.slug == "my-paper"
    assert paper.authors == paper.topics == paper.links == ()
    assert paper.topics_from_file is False


def test_abstract_format_defaults_to_markdown_and_can_be_text(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "a.md", paper_text(title="A"))
    write_paper(config, "b.md", paper_text(title="B", extra="format: text\n"))
    write_paper(config, "c.md", paper_text(title="C", extra="format: markdown\n"))
    papers, warnings = load_papers(config)
    assert warnings == ()
    assert {p.slug: p.format for p in papers} == {"a": "markdown", "b": "text", "c": "markdown"}


def test_unknown_abstract_format_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "a.md", paper_text(extra="format: txt\n"))
    assert load_error(config) == [
        "content/papers/a.md:4: format must be one of markdown, text, got 'txt' "
        "(did you mean 'text'?)"
    ]


def test_title_and_abstract_lines_are_remembered_for_messages(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "a.md", "---\ndate: 2024-03-11\ntitle: T\n---\n\n\nBody.\n")
    (paper,), _warnings = load_papers(config)
    assert (paper.title_line, paper.abstract_line) == (3, 7)


def test_no_content_folder_means_no_papers(tmp_path: Path) -> None:
    assert load_papers(load_config(tmp_path)) == ((), ())


def test_hidden_and_underscore_files_are_skipped(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "a.md", paper_text())
    write_paper(config, ".b.md", "not front matter")
    write_paper(config, "_drafts/c.md", "not front matter")
    write_paper(config, "notes.txt", "not a paper")
    papers, _warnings = load_papers(config)
    assert [p.slug for p in papers] == ["a"]


def test_date_forms(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "a.md", paper_text(title="A", date="2024-03-11T09:30:00"))
    write_paper(config, "b.md", paper_text(title="B", date="'2024-03-12'"))
    papers, _warnings = load_papers(config)
    assert {p.slug: p.date for p in papers} == {
        "a": dt.date(2024, 3, 11),
        "b": dt.date(2024, 3, 12),
    }


def test_unquoted_arxiv_id_keeps_its_digits(tmp_path: Path) -> None:
    """YAML reads `2403.01230` as the float 2403.0123: the id must not lose its last zero."""
    config = make_site(tmp_path)
    write_paper(config, "a.md", paper_text(extra="arxiv: 2403.01230\n"))
    try:
        (paper,), _warnings = load_papers(config)
    except ContentError as err:  # refusing it, asking for quotes, is fine too
        assert str(err).startswith("content/papers/a.md:4: arxiv")
    else:
        assert paper.arxiv == "2403.01230"


def test_bare_string_link_and_duplicate_topics(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    extra = "topics: [RL, ' RL ', Robotics]\nlinks:\n  - https://x.io/a\n"
    write_paper(config, "a.md", paper_text(extra=extra))
    (paper,), _warnings = load_papers(config)
    assert paper.topics == ("RL", "Robotics")
    assert paper.links == (Link("https://x.io/a", "other"),)


def test_newest_first_then_by_title(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "old.md", paper_text(title="Old", date="2023-01-01"))
    write_paper(config, "new-b.md", paper_text(title="beta", date="2024-05-01"))
    write_paper(config, "new-a.md", paper_text(title="Alpha", date="2024-05-01"))
    write_paper(config, "mid.md", paper_text(title="Mid", date="2024-02-29"))
    papers, _warnings = load_papers(config)
    assert [p.slug for p in papers] == ["new-a", "new-b", "mid", "old"]


# --- warnings ---------------------------------------------------------------------------------


def test_near_miss_key_warns_with_did_you_mean(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", paper_text(extra="topic:\n  - RL\n"))
    (paper,), warnings = load_papers(config)
    assert [str(w) for w in warnings] == [
        "content/papers/x.md:4: unknown front matter key 'topic' (did you mean 'topics'?)"
    ]
    assert paper.topics == ()


def test_users_own_extra_keys_are_fine(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", paper_text(extra="venue: NeurIPS\nrating: 5\n"))
    assert load_papers(config)[1] == ()


def test_empty_abstract_warns(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", "---\ntitle: T\ndate: 2024-03-11\n---\n")
    (_paper,), warnings = load_papers(config)
    assert len(warnings) == 1 and "no abstract" in str(warnings[0])
    assert str(warnings[0]).startswith("content/papers/x.md:")


# --- errors with lines ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "slug: x\ntopics: rl\n",
            "content/papers/x.md:5: topics must be a list of strings, got 'rl'",
        ),
        ("authors: Ada\n", "content/papers/x.md:4: authors must be a list of strings"),
        ("topics: [1, 2]\n", "content/papers/x.md:4: topics must be a list of strings"),
        ("links: https://x.io\n", "content/papers/x.md:4: links must be a list of {url, kind}"),
        ("links:\n  - kind: code\n", "content/papers/x.md:4: links[0] must have a 'url'"),
        (
            "source: s\nlinks:\n  - url: https://x.io\n    kind: cod\n",
            "content/papers/x.md:5: links[0].kind must be one of code, project",
        ),
        ("doi: [a]\n", "content/papers/x.md:4: doi must be text, got a list"),
        ("slug: Not A Slug\n", "content/papers/x.md:4: slug must be lowercase letters"),
    ],
)
def test_validation_error_points_at_the_key_line(tmp_path: Path, extra: str, expected: str) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", paper_text(extra=extra))
    (message,) = load_error(config)
    assert message.startswith(expected)


def test_bad_link_kind_suggests(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", paper_text(extra="links:\n  - url: https://x.io\n    kind: cod\n"))
    (message,) = load_error(config)
    assert message.endswith("got 'cod' (did you mean 'code'?)")


def test_missing_title_and_date(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", "---\nslug: x\n---\n\nBody\n")
    messages = load_error(config)
    assert any("'title' is required" in m for m in messages)
    assert any("'date' is required" in m for m in messages)
    assert all(m.startswith("content/papers/x.md:") for m in messages)


@pytest.mark.parametrize("date", ["March 11", "yesterday", "[2024]", "'2024-13-01'"])
def test_bad_date(tmp_path: Path, date: str) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", paper_text(date=date))
    (message,) = load_error(config)
    assert message.startswith("content/papers/x.md:3: date must be a date like 2024-03-11")


@pytest.mark.parametrize("date", ["2024-13-01", "2024-02-30"])
def test_impossible_calendar_date_is_a_content_error(tmp_path: Path, date: str) -> None:
    """YAML itself turns these into dates and fails: the user still gets file and line."""
    config = make_site(tmp_path)
    write_paper(config, "x.md", paper_text(date=date))
    (message,) = load_error(config)
    assert message.startswith("content/papers/x.md:3: ")


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>x</script>",
        "/local",
        "x",
    ],
)
def test_non_http_link_url_rejected(tmp_path: Path, url: str) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", paper_text(extra=f"links:\n  - url: '{url}'\n    kind: code\n"))
    (message,) = load_error(config)
    assert message.startswith("content/papers/x.md:4: links[0].url must be an http(s) URL")


@pytest.mark.parametrize("slug", ["../../etc/passwd", "/abs", "a/b", "..", "<script>", "A B"])
def test_hostile_slug_in_front_matter_rejected(tmp_path: Path, slug: str) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", paper_text(extra=f"slug: '{slug}'\n"))
    (message,) = load_error(config)
    assert message.startswith("content/papers/x.md:4: slug must be lowercase letters")


def test_file_name_that_is_no_slug_is_rejected(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "My Paper.md", paper_text())
    (message,) = load_error(config)
    assert message.startswith("content/papers/My Paper.md:")
    assert "slug" in message


def test_several_errors_in_one_file(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "x.md", "---\ntitle: T\ndate: soon\ntopics: rl\nauthors: 3\n---\n\nB\n")
    messages = load_error(config)
    assert [m.split(":")[1] for m in messages] == ["3", "4", "5"]


def test_errors_across_files_collected_together(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "a.md", paper_text(extra="topics: rl\n"))
    write_paper(config, "b.md", paper_text(date="never"))
    write_paper(config, "c.md", paper_text())  # fine
    write_paper(config, "d.md", "no front matter at all\n")
    write_paper(config, "e.md", "---\ntitle: [unclosed\ndate: 2024-03-11\n---\n")
    with pytest.raises(ErrorList) as info:
        load_papers(config)
    errors = info.value.errors
    assert all(isinstance(e, ContentError) for e in errors)
    assert [(e.path, e.line) for e in errors] == [
        ("content/papers/a.md", 4),
        ("content/papers/b.md", 3),
        ("content/papers/d.md", 1),
        ("content/papers/e.md", errors[3].line),
    ]
    assert errors[3].line in (2, 3, 4) and "YAML" in errors[3].message


def test_duplicate_slugs_across_files(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "a.md", paper_text(title="A", extra="slug: same\n"))
    write_paper(config, "b.md", paper_text(title="B", extra="slug: same\n"))
    (message,) = load_error(config)
    assert message.startswith("content/papers/b.md:")
    assert "'same'" in message and "content/papers/a.md" in message


def test_file_slug_clashing_with_a_front_matter_slug(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    write_paper(config, "a.md", paper_text(title="A", extra="slug: b\n"))
    write_paper(config, "b.md", paper_text(title="B"))
    (message,) = load_error(config)
    assert "slug 'b'" in message


def test_invalid_utf8_content_file(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    (config.papers_dir / "x.md").write_bytes(b"---\ntitle: T\ndate: 2024-03-11\n---\n\nbad \xff\n")
    (message,) = load_error(config)
    assert message.startswith("content/papers/x.md:6: not UTF-8")


def test_crlf_and_bom_content_file(tmp_path: Path) -> None:
    config = make_site(tmp_path)
    text = "\ufeff" + paper_text(extra="topics: [RL]\n").replace("\n", "\r\n")
    (config.papers_dir / "x.md").write_bytes(text.encode())
    (paper,), warnings = load_papers(config)
    assert (paper.title, paper.topics, paper.abstract) == ("T", ("RL",), "Body.")
    assert warnings == ()


def test_a_keyword_naming_an_arxiv_subject_is_a_category(tmp_path: Path) -> None:
    # Files ingested from a Zotero export before ingest read arXiv subjects as categories.
    config = make_site(tmp_path)
    subjects = (
        "Computer Science - Computation and Language, sparsity, Computer Science - Machine Learning"
    )
    write_paper(config, "a.md", paper_text(extra=f"categories: [cs.CL]\nkeywords: [{subjects}]\n"))
    (paper,) = load_papers(config)[0]
    assert paper.categories == ("cs.CL", "cs.LG")
    assert paper.keywords == ("sparsity",)
