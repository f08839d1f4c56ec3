"""Jinja2 errors in the words of the template: its file and line, the page, what was undefined.

Jinja2 rewrites a traceback so that template code shows as frames whose file is the template's
file and whose line is the template's line; the innermost such frame is where the error is.
Its ``UndefinedError`` text names a Python object (``'site_builder.views.PaperView object' has
no attribute 'nosuch'``), so the expression is read back from the template line instead.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import jinja2

from .errors import Diagnostic

_NO_ATTRIBUTE = re.compile(r"has no (?:attribute|element) '?(?P<name>[^']+)'?$")
_UNDEFINED_NAME = re.compile(r"^'(?P<name>[^']+)' is undefined$")
_PYTHON_ONLY = re.compile(r"'[\w.]+ object'")


def template_diagnostic(
    exc: BaseException,
    template_name: str,
    page_url: str,
    site_dir: Path | None = None,
) -> Diagnostic:
    """A Diagnostic for an error raised while loading or rendering ``template_name``."""
    hint = f"while rendering {page_url}" if page_url else None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = _display_path(exc.filename, exc.name or template_name, site_dir)
        return Diagnostic(f"template syntax error: {exc.message}", path, exc.lineno, hint=hint)
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic(f"template '{exc.name}' not found", template_name, hint=hint)
    filename, line = _template_frame(exc)
    path = _display_path(filename, template_name, site_dir)
    source_line = _source_line(filename, line)
    if isinstance(exc, jinja2.UndefinedError):
        message = _undefined_message(exc.message or "", source_line)
    else:
        message = str(exc) or "error while rendering"
        message = _PYTHON_ONLY.sub("this value", message)
    return Diagnostic(message, path, line, hint=hint)


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """File and line of the innermost template frame in the traceback (None when none)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(".py") or (filename.startswith("<") and filename != "<template>"):
            continue
        found = (None if filename == "<template>" else filename, line)
    return found


def _source_line(filename: str | None, line: int | None) -> str:
    if filename is None or line is None:
        return ""
    try:
        lines = Path(filename).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _undefined_message(message: str, source_line: str) -> str:
    """``paper.nosuch is undefined`` rather than Jinja2's account of the Python object."""
    name = _UNDEFINED_NAME.match(message)
    if name:
        return f"{name.group('name')} is undefined"
    missing = _NO_ATTRIBUTE.search(message)
    if missing:
        attr = missing.group("name")
        expr = re.search(
            rf"([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*|\[[^\]]*\])*)\s*(?:\.{re.escape(attr)}\b|"
            rf"\[\s*['\"]{re.escape(attr)}['\"]\s*\])",
            source_line,
        )
        if expr:
            return f"{expr.group(1)}.{attr} is undefined"
        return f"'{attr}' is undefined here"
    return _PYTHON_ONLY.sub("this value", message) or "undefined value"


def _display_path(filename: str | None, template_name: str, site_dir: Path | None) -> str:
    """Relative to the site when the template is the site's own; else from ``themes/``."""
    if not filename:
        return template_name
    path = Path(filename)
    if site_dir is not None:
        try:
            return str(path.resolve().relative_to(site_dir.resolve()))
        except ValueError:
            pass
    parts = path.parts
    if "themes" in parts:
        at = len(parts) - 1 - parts[::-1].index("themes")
        return str(Path(*parts[at:]))
    return template_name
