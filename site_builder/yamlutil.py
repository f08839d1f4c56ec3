"""YAML reading that keeps line numbers, so errors can point at the offending line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, SiteError


class _Loader(yaml.SafeLoader):
    """SafeLoader that never builds arbitrary objects, and keeps dates as YAML gives them."""


def parse_with_lines(
    text: str,
    path: Path | str,
    first_line: int = 1,
    error: type[SiteError] = ContentError,
) -> tuple[Any, dict[str, int]]:
    """Parse YAML; return the value and, for a top-level mapping, each key's 1-based line.

    ``first_line`` is the file line on which ``text`` starts (front matter starts on line 2).
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"YAML syntax error: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML syntax error: {exc}", path, first_line) from None
    if node is None:
        return None, {}
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                lines.setdefault(str(key_node.value), key_node.start_mark.line + first_line)
    try:
        value = _Loader(text).get_single_data()
    except yaml.YAMLError as exc:  # e.g. a tag the safe loader refuses
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + first_line if mark is not None else first_line
        raise error(f"YAML error: {getattr(exc, 'problem', exc)}", path, line) from None
    return value, lines


def type_name(value: object) -> str:
    """A user-facing name for a YAML value's type."""
    names = {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a mapping",
        type(None): "nothing",
    }
    return names.get(type(value), type(value).__name__)
