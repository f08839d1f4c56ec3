"""JSON reading for the JSON formats: a syntax error names the file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import ContentError
from . import read_text


def load_json(path: Path) -> Any:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContentError(
            f"not valid JSON: {exc.msg}", path, exc.lineno, column=exc.colno
        ) from None


def get(obj: Any, *keys: str) -> Any:
    """obj[k1][k2]… or None when any step is missing or not an object."""
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def text(value: Any) -> str:
    """A string field, or '' when it is missing or not a string (real exports have nulls)."""
    return value if isinstance(value, str) else ""
