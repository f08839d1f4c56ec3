"""Declarative checks for YAML mappings: each key's type, range, default and doc written once.

Used by site.yaml (config.py) and front matter (load.py); the taxonomy can use it the same way
(``check_mapping`` on each topic's mapping, with the key lines from ``yamlutil``). Every problem
in a mapping is collected, never just the first, each at its key's line.

Why not a library: pydantic v2 and msgspec validate types well, but neither knows YAML lines
(their error ``loc`` would still be mapped to lines by hand, as here), msgspec stops at the
first error, and strictyaml keeps lines but reads its own YAML subset, which rejects the flow
lists (``authors: [A, B]``) that content files use. What is left to write is small.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import Diagnostic, Diagnostics, suggestion
from .yamlutil import type_name

Location = tuple[Path | str | None, int | None]


@dataclass(frozen=True)
class Key:
    """One key of a mapping: what it holds, what it defaults to, what it is for."""

    name: str
    kind: type  # str, int, bool, list (a list of strings) or object (checked by the caller)
    default: object
    doc: str
    low: int | None = None  # inclusive range for numbers
    high: int | None = None
    zero_ok: bool = False  # 0 means "unset" (e.g. year)
    choices: tuple[str, ...] = ()


Unknown = Literal["error", "warn-typo", "ignore"]


def check_mapping(
    data: Mapping[str, object],
    keys: Sequence[Key],
    locate: Callable[[str], Location],
    *,
    unknown: Unknown = "error",
    what: str = "setting",
) -> tuple[dict[str, object], Diagnostics]:
    """Every declared key's checked value (default when absent) and every problem found.

    ``unknown``: "error" rejects undeclared keys; "warn-typo" warns only about a near miss of
    a declared key (other keys are the user's own data); "ignore" lets them through.
    """
    by_name = {k.name: k for k in keys}
    found = Diagnostics()
    values: dict[str, object] = {k.name: k.default for k in keys}
    for raw_name, value in data.items():
        name = str(raw_name)  # YAML reads `on:` or `1:` as a non-text key
        key = by_name.get(name)
        if key is None:
            hint = suggestion(name, by_name)
            if unknown == "error":
                found.add(Diagnostic(f"unknown {what} '{name}'{hint}", *locate(name)))
            elif unknown == "warn-typo" and hint:
                found.warn(f"unknown {what} '{name}'{hint}", *locate(name))
            continue
        problem, checked = _check(key, value)
        if problem:
            found.add(Diagnostic(problem, *locate(name)))
        else:
            values[name] = checked
    return values, found


def _check(key: Key, value: object) -> tuple[str | None, object]:
    """(problem, value): the value converted where YAML's reading is a known slip."""
    name = key.name
    if value is None:
        return None, key.default
    if key.kind is bool and not isinstance(value, bool):
        return f"{name} must be true or false, got {value!r}", None
    if key.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"{name} must be a whole number, got {value!r}", None
        in_range = (key.low is None or value >= key.low) and (key.high is None or value <= key.high)
        if not in_range and not (key.zero_ok and value == 0):
            return f"{name} must be between {key.low} and {key.high}, got {value}", None
    if key.kind is str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # e.g. `title: 2024` is meant as text
        if not isinstance(value, str):
            return f"{name} must be text, got {type_name(value)}", None
        if key.choices and value not in key.choices:
            return (
                f"{name} must be one of {', '.join(key.choices)}, got {value!r}"[:200]
                + suggestion(value, key.choices),
                None,
            )
    if key.kind is list and (
        not isinstance(value, list) or not all(isinstance(v, str) for v in value)
    ):
        return f"{name} must be a list of strings, got {value!r}"[:200], None
    return None, value


def documented(keys: Sequence[Key]) -> list[tuple[str, str, str]]:
    """(key, default as YAML would show it, doc) for docs and the scaffolded site.yaml."""
    return [(k.name, _show_default(k.default), k.doc) for k in keys]


def _show_default(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value in ("", None):
        return "''"
    return str(value)
