"""config.py: site.yaml into a typed Config, every error naming the key and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.config import check_config, load_config
from site_builder.errors import ConfigError, ErrorList


def write_config(site: Path, text: str) -> Path:
    path = site / "site.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def config_error(site: Path, text: str, **overrides: object) -> ConfigError:
    write_config(site, text)
    with pytest.raises(ConfigError) as info:
        load_config(site, overrides or None)
    return info.value


# --- defaults and types ----------------------------------------------------------------------


def test_defaults_without_site_yaml(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    site = tmp_path.resolve()
    assert config.config_file is None
    assert config.title == "Papers"
    assert config.description == ""
    assert config.base_url == ""
    assert config.base_path == "/"
    assert config.language == "en"
    assert config.author == ""
    assert config.theme == "default"
    assert config.papers_per_page == 20
    assert config.max_topics == 3
    assert config.topics_file is None
    assert config.year == 0
    assert config.content_dir == site / "content"
    assert config.papers_dir == site / "content" / "papers"
    assert config.output_dir == site / "output"
    assert config.templates_dir == site / "templates"
    assert config.static_dir == site / "static"
    assert (config.theme_dir / "templates" / "paper.html").is_file()


def test_empty_site_yaml_means_defaults(tmp_path: Path) -> None:
    write_config(tmp_path, "# nothing set yet\n")
    config = load_config(tmp_path)
    assert config.title == "Papers"
    assert config.config_file == tmp_path.resolve() / "site.yaml"


def test_every_key_read_with_its_type(tmp_path: Path) -> None:
    (tmp_path / "my-topics.yaml").write_text("topics: []\n", encoding="utf-8")
    write_config(
        tmp_path,
        "title: Lab Reading List\n"
        "description: Papers we read\n"
        "base_url: https://lab.github.io/reading/\n"
        "language: de\n"
        "author: The Lab\n"
        "theme: default\n"
        "papers_per_page: 5\n"
        "max_topics: 2\n"
        "topics_file: my-topics.yaml\n"
        "year: 2023\n"
        "content_dir: src\n"
        "output_dir: public\n"
        "templates_dir: layouts\n"
        "static_dir: assets\n",
    )
    config = load_config(tmp_path)
    site = tmp_path.resolve()
    assert config.title == "Lab Reading List"
    assert config.description == "Papers we read"
    assert config.base_url == "https://lab.github.io/reading/"
    assert config.base_path == "/reading/"
    assert config.language == "de"
    assert config.author == "The Lab"
    assert config.papers_per_page == 5 and isinstance(config.papers_per_page, int)
    assert config.max_topics == 2
    assert config.topics_file == site / "my-topics.yaml"
    assert config.year == 2023
    assert config.content_dir == site / "src"
    assert config.papers_dir == site / "src" / "papers"
    assert config.output_dir == site / "public"
    assert config.templates_dir == site / "layouts"
    assert config.static_dir == site / "assets"


def test_number_as_title_is_text(tmp_path: Path) -> None:
    write_config(tmp_path, "title: 2024\n")
    assert load_config(tmp_path).title == "2024"


def test_utf8_bom_in_site_yaml_is_fine(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_bytes("\ufefftitle: Café papers\n".encode())
    assert load_config(tmp_path).title == "Café papers"


# --- unknown keys and wrong types -------------------------------------------------------------


def test_unknown_key_names_key_line_and_suggestion(tmp_path: Path) -> None:
    err = config_error(tmp_path, "description: x\nauthor: me\ntitel: My site\n")
    assert str(err) == "site.yaml:3: unknown setting 'titel' (did you mean 'title'?)"


def test_unknown_key_without_a_close_match_has_no_suggestion(tmp_path: Path) -> None:
    err = config_error(tmp_path, "zzzqqq: 1\n")
    assert str(err) == "site.yaml:1: unknown setting 'zzzqqq'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: x\npapers_per_page: ten\n", "site.yaml:2: papers_per_page must be a whole number"),
        ("papers_per_page: true\n", "site.yaml:1: papers_per_page must be a whole number"),
        ("max_topics: 2.5\n", "site.yaml:1: max_topics must be a whole number"),
        ("title: [a, b]\n", "site.yaml:1: title must be text, got a list"),
        ("author:\n  name: me\n", "site.yaml:1: author must be text, got a mapping"),
        ("base_url: yes\n", "site.yaml:1: base_url must be text, got true/false"),
    ],
)
def test_wrong_types_name_key_and_line(tmp_path: Path, text: str, expected: str) -> None:
    assert str(config_error(tmp_path, text)).startswith(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("papers_per_page: 0\n", "site.yaml:1: papers_per_page must be between 1 and 10000"),
        ("title: t\nmax_topics: 11\n", "site.yaml:2: max_topics must be between 1 and 10"),
        ("year: 24\n", "site.yaml:1: year must be"),
        ("output_dir: .\n", "site.yaml:1: output_dir must be a folder of its own"),
        ("content_dir: out/c\noutput_dir: out\n", "site.yaml:2: output_dir and content_dir"),
        ("topics_file: missing.yaml\n", "site.yaml:1: topics_file 'missing.yaml' does not exist"),
    ],
)
def test_out_of_range_values_name_key_and_line(tmp_path: Path, text: str, expected: str) -> None:
    assert str(config_error(tmp_path, text)).startswith(expected)


# --- base_url ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "base_url", "base_path"),
    [
        ("https://u.github.io/repo", "https://u.github.io/repo/", "/repo/"),
        ("https://u.github.io/repo/", "https://u.github.io/repo/", "/repo/"),
        ("https://u.github.io", "https://u.github.io/", "/"),
        ("http://localhost:8000/a/b", "http://localhost:8000/a/b/", "/a/b/"),
        ("  https://u.github.io/repo  ", "https://u.github.io/repo/", "/repo/"),
        ("/repo", "/repo/", "/repo/"),
        ("", "", "/"),
    ],
)
def test_base_url_normalised(tmp_path: Path, value: str, base_url: str, base_path: str) -> None:
    write_config(tmp_path, f"title: t\nbase_url: '{value}'\n")
    config = load_config(tmp_path)
    assert (config.base_url, config.base_path) == (base_url, base_path)


@pytest.mark.parametrize(
    "value",
    [
        "not a url",
        "u.github.io/repo",
        "ftp://u.github.io/repo/",
        "https://",
        "https://u.github.io/repo/?x=1",
        "https://u.github.io/repo/#top",
        "https://u.github.io/a/../b/",
    ],
)
def test_junk_base_url_is_an_error_on_its_line(tmp_path: Path, value: str) -> None:
    err = config_error(tmp_path, f"title: t\nbase_url: '{value}'\n")
    assert err.line == 2
    assert str(err).startswith("site.yaml:2: base_url")


# --- overrides --------------------------------------------------------------------------------


def test_overrides_win_over_the_file(tmp_path: Path) -> None:
    write_config(tmp_path, "title: From file\nbase_url: https://a.github.io/one/\n")
    config = load_config(
        tmp_path, {"base_url": "https://b.github.io/two", "output_dir": str(tmp_path / "elsewhere")}
    )
    assert config.title == "From file"
    assert config.base_url == "https://b.github.io/two/"
    assert config.base_path == "/two/"
    assert config.output_dir == (tmp_path / "elsewhere").resolve()


def test_bad_override_is_not_blamed_on_a_site_yaml_line(tmp_path: Path) -> None:
    write_config(tmp_path, "title: t\nbase_url: https://a.github.io/one/\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path, {"base_url": "junk"})
    assert info.value.line is None
    assert "base_url" in str(info.value)


# --- themes -----------------------------------------------------------------------------------


def test_unknown_theme_names_line_and_suggests(tmp_path: Path) -> None:
    err = config_error(tmp_path, "title: t\ntheme: defualt\n")
    assert str(err).startswith("site.yaml:2: theme 'defualt' not found")
    assert "did you mean 'default'?" in str(err)
    assert "available: default" in str(err)


@pytest.mark.parametrize("name", ["../default", "a/b", "..", "."])
def test_theme_name_must_be_a_folder_name(tmp_path: Path, name: str) -> None:
    err = config_error(tmp_path, f"theme: '{name}'\n")
    assert str(err).startswith("site.yaml:1: theme must be a theme folder name")


def test_site_theme_folder_is_found(tmp_path: Path) -> None:
    (tmp_path / "themes" / "mine" / "templates").mkdir(parents=True)
    write_config(tmp_path, "theme: mine\n")
    config = load_config(tmp_path)
    assert config.theme == "mine"
    assert config.theme_dir == tmp_path.resolve() / "themes" / "mine"


# --- YAML errors and collected errors ---------------------------------------------------------


def test_yaml_syntax_error_gives_a_line(tmp_path: Path) -> None:
    err = config_error(tmp_path, "title: t\ndescription: d\nbase_url: [unclosed\nauthor: me\n")
    assert err.path == "site.yaml"
    assert err.line is not None and 3 <= err.line <= 5
    assert "YAML syntax error" in str(err)


def test_yaml_bad_indentation_points_at_the_line(tmp_path: Path) -> None:
    err = config_error(tmp_path, "title: t\nauthor: me\n  language: en\n")
    assert str(err).startswith("site.yaml:3: YAML syntax error")


def test_impossible_date_value_is_a_config_error(tmp_path: Path) -> None:
    """YAML builds dates itself; `2024-02-30` must still be reported by line, not crash."""
    err = config_error(tmp_path, "title: t\ndescription: 2024-02-30\n")
    assert err.line == 2


def test_site_yaml_must_be_a_mapping(tmp_path: Path) -> None:
    err = config_error(tmp_path, "- title\n- author\n")
    assert str(err) == "site.yaml:1: must be a mapping of settings, got a list"


def test_several_errors_reported_together(tmp_path: Path) -> None:
    write_config(tmp_path, "titel: x\npapers_per_page: many\nauthor: [a]\nlanguage: en\n")
    with pytest.raises(ErrorList) as info:
        load_config(tmp_path)
    messages = [str(e) for e in info.value.errors]
    assert messages == [
        "site.yaml:1: unknown setting 'titel' (did you mean 'title'?)",
        "site.yaml:2: papers_per_page must be a whole number, got 'many'",
        "site.yaml:3: author must be text, got a list",
    ]
    assert str(info.value).splitlines() == messages


def test_value_errors_reported_together_with_key_errors(tmp_path: Path) -> None:
    """A user fixing site.yaml should see every problem at once, not one per run."""
    write_config(tmp_path, "titel: x\npapers_per_page: 0\nbase_url: junk\ntheme: nope\n")
    with pytest.raises(ErrorList) as info:
        load_config(tmp_path)
    lines = sorted(e.line for e in info.value.errors if e.line is not None)
    assert lines == [1, 2, 3, 4]


def test_check_config_keeps_going_with_defaults(tmp_path: Path) -> None:
    """A build with a wrong site.yaml still reads the content with the wrong settings at their
    defaults, to list every error in one run."""
    (tmp_path / "site.yaml").write_text(
        "papers_per_page: lots\ntheme: nosuch\ncontent_dir: ''\ntitle: Mine\n", encoding="utf-8"
    )
    config, found = check_config(tmp_path)
    assert [d.line for d in found.errors] == [1, 3, 2]
    assert (config.papers_per_page, config.theme, config.title) == (20, "default", "Mine")
    assert config.content_dir == (tmp_path / "content").resolve()
    with pytest.raises(ErrorList) as caught:
        load_config(tmp_path)
    assert [d.message for d in caught.value.diagnostics] == [d.message for d in found.errors]
