"""site.yaml into a frozen, validated Config. Every error names the key (and its line)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError, SiteError, raise_collected
from .yamlutil import parse_with_lines, type_name

CONFIG_NAME = "site.yaml"

# key -> (type, default, help). The order here is the order documented in docs/config.md.
_SCHEMA: dict[str, tuple[type, object, str]] = {
    "title": (str, "Papers", "site title, shown in every page header"),
    "description": (str, "", "one line under the title and in meta tags"),
    "base_url": (str, "", "where the site is published, e.g. https://user.github.io/repo/"),
    "language": (str, "en", "the html lang attribute"),
    "author": (str, "", "who publishes the site, shown in the footer"),
    "theme": (str, "default", "theme folder under themes/, or a packaged theme"),
    "papers_per_page": (int, 20, "papers on each listing page"),
    "max_topics": (int, 3, "the most topics the taxonomy gives one paper"),
    "topics_file": (str, "", "your own taxonomy (YAML); empty means the packaged default"),
    "year": (int, 0, "year for dump dates written without one, like 'Mar 11'; 0 means this year"),
    "content_dir": (str, "content", "where content files live"),
    "output_dir": (str, "output", "where the built site goes"),
    "templates_dir": (str, "templates", "your template overrides"),
    "static_dir": (str, "static", "your own static files, copied to the output as they are"),
}


def known_keys() -> dict[str, tuple[type, object, str]]:
    return dict(_SCHEMA)


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

    @property
    def papers_dir(self) -> Path:
        return self.content_dir / "papers"


def suggest(key: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


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
        f"theme {name!r} not found in themes/ or the packaged themes{suggest(name, available)}; "
        f"available: {', '.join(available)}",
        where,
        line,
    )


def load_config(site_dir: Path, overrides: Mapping[str, object] | None = None) -> Config:
    """Read site.yaml in site_dir (optional), apply overrides (e.g. --base-url), validate."""
    site_dir = site_dir.resolve()
    config_file = site_dir / CONFIG_NAME
    raw: dict[str, object] = {}
    lines: dict[str, int] = {}
    label: Path | str = CONFIG_NAME
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

    errors: list[SiteError] = []
    values: dict[str, object] = {}
    for key, value in raw.items():
        line = lines.get(key)
        if key not in _SCHEMA:
            errors.append(
                ConfigError(f"unknown setting '{key}'{suggest(key, list(_SCHEMA))}", label, line)
            )
            continue
        kind, default, _help = _SCHEMA[key]
        if value is None:
            value = default
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            errors.append(ConfigError(f"{key} must be a whole number, got {value!r}", label, line))
            continue
        if kind is str and not isinstance(value, str):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)  # e.g. `title: 2024` is meant as text
            else:
                errors.append(
                    ConfigError(f"{key} must be text, got {type_name(value)}", label, line)
                )
                continue
        values[key] = value
    raise_collected(errors)

    def get(key: str) -> object:
        return values.get(key, _SCHEMA[key][1])

    def line_of(key: str) -> int | None:
        return lines.get(key)

    per_page = int(get("papers_per_page"))  # type: ignore[arg-type]
    if not 1 <= per_page <= 10_000:
        raise ConfigError(
            "papers_per_page must be between 1 and 10000", label, line_of("papers_per_page")
        )
    max_topics = int(get("max_topics"))  # type: ignore[arg-type]
    if not 1 <= max_topics <= 10:
        raise ConfigError("max_topics must be between 1 and 10", label, line_of("max_topics"))
    year = int(get("year"))  # type: ignore[arg-type]
    if year and not 1900 <= year <= 2999:
        raise ConfigError(f"year must be a four-digit year, got {year}", label, line_of("year"))

    base_url, base_path = normalise_base_url(str(get("base_url")), label, line_of("base_url"))

    def site_path(key: str) -> Path:
        value = str(get(key)).strip()
        if not value:
            raise ConfigError(f"{key} must not be empty", label, line_of(key))
        return (site_dir / value).resolve()

    content_dir = site_path("content_dir")
    output_dir = site_path("output_dir")
    if output_dir == site_dir or site_dir.is_relative_to(output_dir):
        raise ConfigError(
            "output_dir must be a folder of its own, not the site folder",
            label,
            line_of("output_dir"),
        )
    if content_dir.is_relative_to(output_dir) or output_dir.is_relative_to(content_dir):
        raise ConfigError(
            "output_dir and content_dir must not contain each other", label, line_of("output_dir")
        )

    topics_value = str(get("topics_file")).strip()
    topics_file = (site_dir / topics_value).resolve() if topics_value else None
    if topics_file is not None and not topics_file.is_file():
        raise ConfigError(
            f"topics_file {topics_value!r} does not exist", label, line_of("topics_file")
        )

    return Config(
        site_dir=site_dir,
        config_file=config_file if config_file.is_file() else None,
        title=str(get("title")).strip() or "Papers",
        description=str(get("description")).strip(),
        base_url=base_url,
        base_path=base_path,
        language=str(get("language")).strip() or "en",
        author=str(get("author")).strip(),
        theme=str(get("theme")),
        papers_per_page=per_page,
        max_topics=max_topics,
        topics_file=topics_file,
        year=year,
        content_dir=content_dir,
        output_dir=output_dir,
        templates_dir=site_path("templates_dir"),
        static_dir=site_path("static_dir"),
        theme_dir=_resolve_theme(site_dir, str(get("theme")), label, line_of("theme")),
    )
