"""YAML reading that keeps line numbers, so errors can point at the offending line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError, SiteError

# libyaml's parser is several times faster than the pure-Python one and keeps line marks;
# both only ever build plain data (safe loaders).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_with_lines(
    text: str,
    path: Path | str,
    first_line: int = 1,
    error: type[SiteError] = ContentError,
) -> tuple[Any, dict[str, int]]:
    """Parse YAML; return the value and, for a top-level mapping, each key's 1-based line.

    ``first_line`` is the file line on which ``text`` starts (front matter starts on line 2).
    """
    loader = _Loader(text)
    try:
        node = _compose(loader, text, path, first_line, error)
        if node is None:
            return None, {}
        if not isinstance(node, yaml.MappingNode):
            return _construct(loader, node, path, first_line, error), {}
        loader.flatten_mapping(node)  # resolve '<<' merge keys before reading pairs
        value: dict[Any, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _construct(loader, key_node, path, first_line, error)
            try:
                hash(key)
            except TypeError:
                line = key_node.start_mark.line + first_line
                raise error("a key must be plain text", path, line) from None
            value[key] = _construct(loader, value_node, path, first_line, error)
            lines.setdefault(str(key), key_node.start_mark.line + first_line)
        return value, lines
    finally:
        loader.dispose()


def parse_with_line_map(
    text: str,
    path: Path | str,
    first_line: int = 1,
    error: type[SiteError] = ContentError,
) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    """Parse YAML once; return the value and the line of every key and list item, nested.

    The map's keys are paths into the value: ``("topics", 0, "keywords", "gan")`` is the line
    of that keyword, ``()`` the document. For validating nested mappings (the taxonomy) with
    ``schema.check_mapping`` without composing the YAML a second time.
    """
    loader = _Loader(text)
    try:
        node = _compose(loader, text, path, first_line, error)
        if node is None:
            return None, {}
        lines: dict[tuple[str | int, ...], int] = {}
        _walk_lines(loader, node, (), first_line, lines)
        return _construct(loader, node, path, first_line, error), lines
    finally:
        loader.dispose()


Place = tuple[str | int, ...]
# Aliases let a few lines of YAML name millions of nodes ("billion laughs"): a file for us to
# read by hand never comes near this.
_MAX_NODES = 200_000


@dataclass(frozen=True)
class Tree:
    """A YAML document read once: its value (every mapping key as its text), the line of every
    key and list item by its place (``("topics", 0, "name")``; ``()`` is the document), and the
    keys written twice in one mapping as (place, line, line of the first)."""

    value: Any
    lines: dict[Place, int]
    duplicates: tuple[tuple[Place, int, int], ...]

    def line(self, at: Place) -> int | None:
        """The line of a place, or of the nearest place around it that has one."""
        while at not in self.lines and at:
            at = at[:-1]
        return self.lines.get(at)

    def describe(self, at: Place) -> str:
        """A place as messages name it, list entries with their names:
        ``topics[3] (Robotics).keywords`` (a long file is searched by name more easily than
        counted)."""
        value: object = self.value
        text = ""
        for part in at:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
                name = value.get("name") if isinstance(value, dict) else None
                if isinstance(name, str) and name.strip():
                    text += f"[{part}] ({' '.join(name.split())})"
                else:
                    text += f"[{part}]"
            else:
                value = value.get(part) if isinstance(value, dict) else None
                text += f".{part}" if text else part
        return text


def parse_tree(
    text: str,
    path: Path | str,
    first_line: int = 1,
    error: type[SiteError] = ContentError,
) -> Tree:
    """Parse YAML once into a :class:`Tree`. Keys stay the text written (``yes:`` and ``3d:``
    are words, not a boolean and a number); values are read as YAML reads them. A syntax
    error, or a key that is not text, raises ``error`` at its line."""
    loader = _Loader(text)
    try:
        node = _compose(loader, text, path, first_line, error)
        lines: dict[Place, int] = {}
        duplicates: list[tuple[Place, int, int]] = []
        if node is None:
            return Tree(None, {(): first_line}, ())
        count = [0]

        def build(node: yaml.Node, at: Place, depth: int) -> Any:
            count[0] += 1
            if count[0] > _MAX_NODES or depth > 200:
                raise error("YAML too deeply nested or aliased to read", path, lines[()])
            lines.setdefault(at, node.start_mark.line + first_line)
            if isinstance(node, yaml.MappingNode):
                merged = any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value)
                loader.flatten_mapping(node)  # '<<' merge keys; a later key then wins, not a slip
                out: dict[str, Any] = {}
                for key_node, value_node in node.value:
                    line = key_node.start_mark.line + first_line
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise error("a key must be plain text", path, line)
                    key = str(key_node.value)
                    if key in out and not merged:
                        duplicates.append(((*at, key), line, lines[(*at, key)]))
                    lines.setdefault((*at, key), line)
                    out[key] = build(value_node, (*at, key), depth + 1)
                return out
            if isinstance(node, yaml.SequenceNode):
                return [build(item, (*at, i), depth + 1) for i, item in enumerate(node.value)]
            return _construct(loader, node, path, first_line, error)

        value = build(node, (), 0)
        return Tree(value, lines, tuple(duplicates))
    finally:
        loader.dispose()


def _walk_lines(
    loader: _Loader,
    node: yaml.Node,
    at: tuple[str | int, ...],
    first_line: int,
    lines: dict[tuple[str | int, ...], int],
) -> None:
    lines.setdefault(at, node.start_mark.line + first_line)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            lines.setdefault((*at, key), key_node.start_mark.line + first_line)
            _walk_lines(loader, value_node, (*at, key), first_line, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk_lines(loader, item, (*at, i), first_line, lines)


def _compose(
    loader: _Loader, text: str, path: Path | str, first_line: int, error: type[SiteError]
) -> yaml.Node | None:
    """The document's node; a syntax error names its line."""
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as fast_exc:
        exc = _python_parser_error(text) or fast_exc
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise error(f"YAML syntax error: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML syntax error: {exc}", path, first_line) from None


def _python_parser_error(text: str) -> yaml.MarkedYAMLError | None:
    """The pure-Python parser's account of a syntax error: it names the line better."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return exc
    except yaml.YAMLError:
        return None
    return None


def _construct(
    loader: _Loader, node: yaml.Node, path: Path | str, first_line: int, error: type[SiteError]
) -> Any:
    """Build one value; a value YAML cannot build (2024-02-30, !!int abc) names its line."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or node.start_mark
        raise error(f"YAML error: {exc.problem or exc}", path, mark.line + first_line) from None
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, OverflowError) as exc:
        line = node.start_mark.line + first_line
        raise error(f"{node.value!r} is not a valid value: {exc}"[:200], path, line) from None


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
