"""site.yaml into a frozen, validated Config. Every error names the key (and its line)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError, Diagnostics, raise_collected, suggestion
from .schema import Key, check_mapping
from .yamlutil import parse_with_lines, type_name

CONFIG_NAME = "site.yaml"

# Every setting, once: type, default, range, doc. The order is the order of docs/config.md.
SETTINGS: tuple[Key, ...] = (
    Key("title", str, "Papers", "site title, shown in every page header"),
    Key("description", str, "", "one line under the title and in meta tags"),
    Key("base_url", str, "", "where the site is published, e.g. https://user.github.io/repo/"),
    Key("language", str, "en", "the html lang attribute"),
    Key("author", str, "", "who publishes the site, shown in the footer"),
    Key("theme", str, "default", "theme folder under themes/, or a packaged theme"),
    Key("papers_per_page", int, 20, "papers on each listing page", low=1, high=10_000),
    Key("max_topics", int, 3, "the most topics the taxonomy gives one paper", low=1, high=10),
    Key("topics_file", str, "", "your own taxonomy (YAML); empty means the packaged default"),
    Key(
        "year",
        int,
        0,
        "year for dump dates written without one, like 'Mar 11'; 0 means this year",
        low=1900,
        high=2999,
        zero_ok=True,
    ),
    Key("content_dir", str, "content", "where content files live"),
    Key("output_dir", str, "output", "where the built site goes"),
    Key("templates_dir", str, "templates", "your template overrides"),
    Key("static_dir", str, "static", "your own static files, copied to the output as they are"),
    # Reader features: all on by default, each can be switched off.
    Key("search", bool, True, "full-text search (a static index) with a search box on every page"),
    Key("related", bool, True, "the most similar papers on each paper page"),
    Key("related_count", int, 5, "how many related papers a paper page shows", low=0, high=50),
    Key("feeds", bool, True, "Atom feeds for the site and for each topic"),
    Key("citations", bool, True, "BibTeX for each paper and topic"),
    Key("math", bool, True, "render $...$ and $$...$$ as MathML at build time"),
    Key("daily_pages", bool, True, "a page per day listing that day's papers"),
    Key("saved_list", bool, True, "a 'save' toggle and a Saved page, kept in the browser"),
)


def known_keys() -> dict[str, tuple[type, object, str]]:
    return {k.name: (k.kind, k.default, k.doc) for k in SETTINGS}


@dataclass(frozen=True)
class Config:
    site_dir: Path
    config_file: Path | None
    title: str
    description: str
    base_url: str  # "" or an absolute URL ending in "/"
    base_path: str  # "/" or "/repo/"
    language: str
    author: str
    theme: str
    papers_per_page: int
    max_topics: int
    topics_file: Path | None
    year: int
    content_dir: Path
    output_dir: Path
    templates_dir: Path
    static_dir: Path
    theme_dir: Path  # the folder of the theme in use
    search: bool = True
    related: bool = True
    related_count: int = 5
    feeds: bool = True
    citations: bool = True
    math: bool = True
    daily_pages: bool = True
    saved_list: bool = True

    @property
    def papers_dir(self) -> Path:
        return self.content_dir / "papers"


def builtin_themes_dir() -> Path:
    """Themes shipped with the package: inside it when installed, beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "themes", here.parent / "themes"):
        if (candidate / "default" / "templates").is_dir():
            return candidate
    raise ConfigError("the packaged default theme is missing; reinstall site-builder")


def normalise_base_url(value: str, where: Path | str, line: int | None) -> tuple[str, str]:
    """Return (base_url, base_path). An empty value means a site served at '/'."""
    value = value.strip()
    if not value:
        return "", "/"
    if value.startswith("/"):  # a bare path is allowed: links work, feeds need a full URL later
        parts = urlsplit(value)
        scheme_ok = True
    else:
        parts = urlsplit(value)
        scheme_ok = parts.scheme in ("http", "https") and bool(parts.netloc)
    if not scheme_ok or parts.query or parts.fragment:
        raise ConfigError(
            f"base_url must be an http(s) URL such as https://user.github.io/repo/, got {value!r}",
            where,
            line,
        )
    path = parts.path or "/"
    if not path.endswith("/"):
        path += "/"
    if "//" in path or any(seg in (".", "..") for seg in path.split("/")):
        raise ConfigError(f"base_url has an odd path {parts.path!r}", where, line)
    if value.startswith("/"):
        return path, path
    return f"{parts.scheme}://{parts.netloc}{path}", path


def _resolve_theme(site_dir: Path, name: str, where: Path | str, line: int | None) -> Path:
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise ConfigError(f"theme must be a theme folder name, got {name!r}", where, line)
    for root in (site_dir / "themes", builtin_themes_dir()):
        candidate = root / name
        if (candidate / "templates").is_dir():
            return candidate
    available = sorted(
        p.name
        for root in (site_dir / "themes", builtin_themes_dir())
        if root.is_dir()
        for p in root.iterdir()
        if (p / "templates").is_dir()
    )
    raise ConfigError(
        f"theme {name!r} not found in themes/ or the packaged themes{suggestion(name, available)}; "
        f"available: {', '.join(available)}",
        where,
        line,
    )


def load_config(site_dir: Path, overrides: Mapping[str, object] | None = None) -> Config:
    """Read site.yaml in site_dir (optional), apply overrides (e.g. --base-url), validate.
    Raises ConfigError (or ErrorList) with every problem found."""
    config, found = check_config(site_dir, overrides)
    raise_collected([ConfigError.of(d) for d in found.errors])
    return config


def check_config(
    site_dir: Path, overrides: Mapping[str, object] | None = None
) -> tuple[Config, Diagnostics]:
    """The config, with every wrong setting at its default, and every problem found.

    A build whose site.yaml is wrong still reads its content and taxonomy with this config,
    so that one run lists every error. Raises only when site.yaml cannot be read at all.
    """
    site_dir = site_dir.resolve()
    config_file = site_dir / CONFIG_NAME
    raw: dict[str, object] = {}
    lines: dict[str, int] = {}
    if config_file.is_file():
        try:
            text = config_file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"not UTF-8 text (byte {exc.start})", CONFIG_NAME) from None
        data, lines = parse_with_lines(text, CONFIG_NAME, error=ConfigError)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise ConfigError(
                f"must be a mapping of settings, got {type_name(data)}", CONFIG_NAME, 1
            )
        raw.update({str(k): v for k, v in data.items()})
    for key, value in (overrides or {}).items():
        raw[key] = value
        lines.pop(key, None)

    def at(key: str) -> tuple[str, int | None]:
        """Where a setting came from, for messages: its line in site.yaml, or the flag."""
        if key in (overrides or {}):
            return f"--{key.replace('_', '-')}", None
        return CONFIG_NAME, lines.get(key)

    values, found = check_mapping(raw, SETTINGS, at)
    defaults = {k.name: k.default for k in SETTINGS}

    def get(key: str) -> object:
        return values[key]

    def site_path(key: str) -> Path:
        value = str(get(key)).strip()
        if not value:
            raise ConfigError(f"{key} must not be empty", *at(key))
        return (site_dir / value).resolve()

    def topics_path() -> Path | None:
        value = str(get("topics_file")).strip()
        path = (site_dir / value).resolve() if value else None
        if path is not None and not path.is_file():
            raise ConfigError(f"topics_file {value!r} does not exist", *at("topics_file"))
        return path

    def check_folders(content_dir: Path, output_dir: Path) -> None:
        if output_dir == site_dir or site_dir.is_relative_to(output_dir):
            raise ConfigError(
                "output_dir must be a folder of its own, not the site folder",
                *at("output_dir"),
            )
        if content_dir.is_relative_to(output_dir) or output_dir.is_relative_to(content_dir):
            raise ConfigError(
                "output_dir and content_dir must not contain each other",
                *at("output_dir"),
            )

    # Each check runs even when an earlier one failed, so every problem is reported at once;
    # a setting that fails is checked again at its default, for the rest of the run to use.
    checked: dict[str, object] = {}
    checks: dict[str, tuple[str, Callable[[], object]]] = {
        "base": ("base_url", lambda: normalise_base_url(str(get("base_url")), *at("base_url"))),
        "content_dir": ("content_dir", lambda: site_path("content_dir")),
        "output_dir": ("output_dir", lambda: site_path("output_dir")),
        "templates_dir": ("templates_dir", lambda: site_path("templates_dir")),
        "static_dir": ("static_dir", lambda: site_path("static_dir")),
        "topics_file": ("topics_file", topics_path),
        "theme_dir": ("theme", lambda: _resolve_theme(site_dir, str(get("theme")), *at("theme"))),
    }
    for name, (key, check) in checks.items():
        try:
            checked[name] = check()
        except ConfigError as exc:
            found.extend(exc)
            values[key] = defaults[key]
            checked[name] = check()  # the default is valid (a missing packaged theme raises)
    try:
        check_folders(checked["content_dir"], checked["output_dir"])  # type: ignore[arg-type]
    except ConfigError as exc:
        found.extend(exc)
        values["output_dir"] = defaults["output_dir"]
        checked["output_dir"] = site_path("output_dir")
    base_url, base_path = checked["base"]  # type: ignore[misc]

    config = Config(
        site_dir=site_dir,
        config_file=config_file if config_file.is_file() else None,
        title=str(get("title")).strip() or "Papers",
        description=str(get("description")).strip(),
        base_url=base_url,
        base_path=base_path,
        language=str(get("language")).strip() or "en",
        author=str(get("author")).strip(),
        theme=str(get("theme")),
        papers_per_page=int(get("papers_per_page")),  # type: ignore[call-overload]
        max_topics=int(get("max_topics")),  # type: ignore[call-overload]
        topics_file=checked["topics_file"],  # type: ignore[arg-type]
        year=int(get("year")),  # type: ignore[call-overload]
        content_dir=checked["content_dir"],  # type: ignore[arg-type]
        output_dir=checked["output_dir"],  # type: ignore[arg-type]
        templates_dir=checked["templates_dir"],  # type: ignore[arg-type]
        static_dir=checked["static_dir"],  # type: ignore[arg-type]
        theme_dir=checked["theme_dir"],  # type: ignore[arg-type]
        search=bool(get("search")),
        related=bool(get("related")),
        related_count=int(get("related_count")),  # type: ignore[call-overload]
        feeds=bool(get("feeds")),
        citations=bool(get("citations")),
        math=bool(get("math")),
        daily_pages=bool(get("daily_pages")),
        saved_list=bool(get("saved_list")),
    )
    return config, found
