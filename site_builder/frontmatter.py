"""Split and write YAML front matter (``---`` fenced) in content files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError
from .yamlutil import parse_with_lines, type_name

FENCE = "---"


def split(text: str, path: Path | str) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """Return (front matter, key -> line, body, body's first line) of a content file's text."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise ContentError("must start with a '---' line opening the YAML front matter", path, 1)
    for end in range(1, len(lines)):
        if lines[end].rstrip() in (FENCE, "..."):
            break
    else:
        raise ContentError("front matter opened on line 1 is never closed with '---'", path, 1)
    data, key_lines = parse_with_lines("\n".join(lines[1:end]), path, first_line=2)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError(f"front matter must be a mapping, got {type_name(data)}", path, 2)
    rest = lines[end + 1 :]
    blank = next((i for i, line in enumerate(rest) if line.strip()), len(rest))
    body = "\n".join(rest).strip("\n")
    return {str(k): v for k, v in data.items()}, key_lines, body, end + 2 + blank


class _Dumper(yaml.SafeDumper):
    """Block style, lists indented under their key, long strings not folded mid-word."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump(meta: dict[str, Any], body: str) -> str:
    """Front matter + body, in a stable byte-for-byte form (same input, same bytes)."""
    text = yaml.dump(
        meta,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100_000,
    )
    return f"{FENCE}\n{text}{FENCE}\n\n{body.strip()}\n"
