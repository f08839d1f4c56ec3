"""Declarative checks for YAML mappings: each key's type, range, default and doc written once.

Used by site.yaml (config.py), front matter (load.py) and each mapping of the taxonomy
(taxonomy_file.py, with the nested key lines from ``yamlutil.parse_tree``). Every problem in a
mapping is collected, never just the first, each at its key's line.

A key's ``kind`` is ``str``, ``int``, ``float``, ``bool``, ``list`` (a list of strings),
``object`` (anything; the caller checks it) or a :class:`Kind` for values with a form of their
own (dates, slugs, quoted identifiers, a mapping of weights).

Why not a library: pydantic v2 and msgspec validate types well, but neither knows YAML lines
(their error ``loc`` would still be mapped to lines by hand, as here), msgspec stops at the
first error, and strictyaml keeps lines but reads its own YAML subset, which rejects the flow
lists (``authors: [A, B]``) that content files use. What is left to write is small.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import Diagnostic, Diagnostics, did_you_mean, suggestion
from .slugs import is_valid_slug, make_slug
from .yamlutil import type_name

Location = tuple[Path | str | None, int | None]
# A check of one value: (problems, the value as the program uses it). ``name`` is how the key
# is named in messages (with its place, e.g. "topics[0] (GANs).slug").
Check = Callable[[str, object], tuple[tuple[str, ...], object]]


@dataclass(frozen=True)
class Kind:
    """A value type beyond the plain ones: a name for docs, its check, how to write one."""

    name: str
    check: Check
    form: str = ""  # shown when the value is missing, e.g. "YYYY-MM-DD"


@dataclass(frozen=True)
class Key:
    """One key of a mapping: what it holds, what it defaults to, what it is for."""

    name: str
    kind: type | Kind
    default: object
    doc: str
    low: float | None = None  # inclusive range for numbers (for a list: its length)
    high: float | None = None
    zero_ok: bool = False  # 0 means "unset" (e.g. year)
    choices: tuple[str, ...] = ()
    required: bool = False  # absent, empty or blank is an error
    above: float | None = None  # exclusive lower bound for numbers ("must be positive": 0)


Unknown = Literal["error", "warn-typo", "ignore"]


def check_mapping(
    data: Mapping[str, object],
    keys: Sequence[Key],
    locate: Callable[[str], Location],
    *,
    unknown: Unknown = "error",
    what: str = "setting",
    where: str = "",
) -> tuple[dict[str, object], Diagnostics]:
    """Every declared key's checked value (default when absent) and every problem found.

    ``unknown``: "error" rejects undeclared keys; "warn-typo" warns only about a near miss of
    a declared key (other keys are the user's own data); "ignore" lets them through.
    ``where`` names the mapping inside a larger file ("topics[2] (GANs)"); ``locate(key)`` is
    the file and line of a key (of the mapping itself when the key is absent).
    """
    by_name = {k.name: k for k in keys}
    found = Diagnostics()
    values: dict[str, object] = {k.name: k.default for k in keys}
    reported: set[str] = set()
    near: dict[str, str] = {}  # a declared key -> the unknown key that looks like it
    for raw_name, value in data.items():
        name = str(raw_name)  # YAML reads `on:` or `1:` as a non-text key
        key = by_name.get(name)
        if key is None:
            close = did_you_mean(name, by_name)
            hint = f"did you mean '{close}'?" if close else None
            if close and unknown == "error":
                reported.add(close)  # `titel:` is the missing title, not a second problem
            if close:
                near.setdefault(close, name)
            message = f"{where + ': ' if where else ''}unknown {what} '{name}'"
            if unknown == "error":
                if hint is None and where and len(by_name) <= 8:
                    hint = f"expected one of: {', '.join(by_name)}"
                found.add(Diagnostic(message, *locate(name), hint=hint))
            elif unknown == "warn-typo" and hint:
                found.warn(message, *locate(name), hint=hint)
            continue
        problems, checked = check_value(key, value, where)
        for problem in problems:
            found.add(Diagnostic(problem, *locate(name)))
        if problems:
            reported.add(name)
        else:
            values[name] = checked
    for key in keys:
        if key.required and key.name not in reported and _missing(values[key.name]):
            message = _missing_message(key, where, data.get(key.name))
            hint = f"is '{near[key.name]}' meant to be it?" if key.name in near else None
            found.add(Diagnostic(message, *locate(key.name), hint=hint))
    return values, found


def check_value(key: Key, value: object, where: str = "") -> tuple[tuple[str, ...], object]:
    """(problems, value) for one value of ``key``; the value converted where YAML's reading is
    a known slip (``title: 2024`` is text). ``None`` is the default."""
    name = f"{where}.{key.name}" if where else key.name
    if value is None:
        return (), key.default
    kind = key.kind
    if isinstance(kind, Kind):
        return kind.check(name, value)
    if kind is bool and not isinstance(value, bool):
        return (f"{name} must be true or false, got {value!r}",), None
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return (f"{name} must be a whole number, got {value!r}",), None
        problem = _range(key, name, value)
        return ((problem,), None) if problem else ((), value)
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return (f"{name} must be a number, got {_shown(value)}",), None
        if not math.isfinite(value):
            return (f"{name} must be a finite number, got {value!r}",), None
        problem = _range(key, name, value)
        return ((problem,), None) if problem else ((), float(value))
    if kind is str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # e.g. `title: 2024` is meant as text
        if not isinstance(value, str):
            return (f"{name} must be text, got {type_name(value)}",), None
        if key.choices and value not in key.choices:
            return (
                f"{name} must be one of {', '.join(key.choices)}, got {value!r}"[:200]
                + suggestion(value, key.choices),
            ), None
        return (), value
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return (f"{name} must be a list of strings, got {value!r}"[:200],), None
        # Names in a list are compared as written, less stray spaces; repeats say nothing.
        items = tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
        if key.high is not None and len(items) > key.high:
            return (f"{name} can list at most {_num(key.high)}, got {len(items)}",), None
        return (), items
    return (), value


def _range(key: Key, name: str, value: float) -> str | None:
    if key.zero_ok and value == 0:
        return None
    too_low = (key.low is not None and value < key.low) or (
        key.above is not None and value <= key.above
    )
    too_high = key.high is not None and value > key.high
    if not (too_low or too_high):
        return None
    low = key.low if key.low is not None else key.above
    got = _num(value)
    if key.high is None and key.above == 0:
        return f"{name} must be positive, got {got}"
    if key.high is None:
        return f"{name} must be at least {_num(low)}, got {got}"
    if low is None:
        return f"{name} must be at most {_num(key.high)}, got {got}"
    return f"{name} must be between {_num(low)} and {_num(key.high)}, got {got}"


def _num(value: float | None) -> str:
    """1, 0.5, 10000: numbers as a person writes them (never 1e+04)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_message(key: Key, where: str, given: object) -> str:
    if isinstance(given, str):  # there, but blank
        return (
            f"{where}.{key.name} must not be empty" if where else f"'{key.name}' must not be empty"
        )
    form = key.kind.form if isinstance(key.kind, Kind) and key.kind.form else ""
    if where:
        return f"{where} needs '{key.name}'" + (f" ({form})" if form else "")
    return f"'{key.name}' is required" + (f" ({form})" if form else "")


def _shown(value: object) -> str:
    """A value as a message shows it: its type, and the value itself when it is short text."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"{type_name(value)} ({value!r})"[:200]
    return type_name(value)


# --- kinds with a form of their own -------------------------------------------------------------


def _date(name: str, value: object) -> tuple[tuple[str, ...], object]:
    if isinstance(value, dt.datetime):
        return (), value.date()
    if isinstance(value, dt.date):
        return (), value
    if isinstance(value, str):
        try:
            return (), dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    return (f"{name} must be a date like 2024-03-11, got {value!r}"[:200],), None


def _identifier(name: str, value: object) -> tuple[tuple[str, ...], object]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # YAML reads `arxiv: 2403.01230` as the number 2403.0123: the last digit is gone.
        return (f"{name} must be quoted text, e.g. {name.rsplit('.', 1)[-1]}: '{value}'",), None
    if not isinstance(value, str):
        return (f"{name} must be text, got {type_name(value)}",), None
    return (), value.strip() or None


def _slug(name: str, value: object) -> tuple[tuple[str, ...], object]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return (f"{name} must be text, got {type_name(value)}",), None
    value = value.strip()
    if not value:
        return (), None
    if not is_valid_slug(value):
        return (
            f"{name} must be lowercase letters, digits and '-' (it becomes a URL), got {value!r}"[
                :200
            ]
            + f" (try '{make_slug(value)}')",
        ), None
    return (), value


DATE = Kind("date", _date, form="YYYY-MM-DD")
IDENTIFIER = Kind("quoted text", _identifier)  # arXiv ids, DOIs: numbers lose digits in YAML
SLUG = Kind("slug", _slug)


def documented(keys: Sequence[Key]) -> list[tuple[str, str, str]]:
    """(key, default as YAML would show it, doc) for docs and the scaffolded site.yaml."""
    return [(k.name, _show_default(k.default), k.doc) for k in keys]


def _show_default(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value in ("", None):
        return "''"
    if value == ():
        return "[]"
    return str(value)
