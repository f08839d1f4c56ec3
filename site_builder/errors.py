"""Error types. Every user-facing problem is one of these, printed as ``path:line: message``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class SiteError(Exception):
    """Base of all errors a user should see without a traceback."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class ConfigError(SiteError):
    """site.yaml (or a command-line override) is wrong."""


class ContentError(SiteError):
    """A content or input file is wrong."""


class ThemeError(SiteError):
    """A theme or template is missing or broken."""


class ErrorList(SiteError):  # noqa: N818 (a list of errors, not one)
    """Several errors collected over a whole run, reported together."""

    def __init__(self, errors: Iterable[SiteError]):
        self.errors = tuple(errors)
        super().__init__(f"{len(self.errors)} error(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def raise_collected(errors: list[SiteError]) -> None:
    """Raise the errors gathered so far: one as itself, several as an ErrorList."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)


class Warn:
    """A problem worth telling the user about that does not stop the run (``--strict``: error)."""

    __slots__ = ("line", "message", "path")

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        return str(SiteError(self.message, self.path, self.line))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Warn) and (self.message, self.path, self.line) == (
            other.message,
            other.path,
            other.line,
        )

    def __hash__(self) -> int:
        return hash((self.message, self.path, self.line))

    def as_error(self) -> ContentError:
        return ContentError(self.message, self.path, self.line)
