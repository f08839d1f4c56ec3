"""Diagnostics: the one shape every user-facing problem takes, printed ``path:line:col: message``.

Conventions (every stage follows them):

- A problem is a :class:`Diagnostic`: severity (``"error"``, ``"warning"`` or ``"note"``: what
  a run did that a user may want to know, e.g. two records merged), message, path relative to
  the site folder (or, for ingest's input files, to where the user ran), 1-based line and column
  where known or else a place in the file (a JSON path such as ``$[2].paper``), and an optional
  hint (the did-you-mean, or what to do).
- A stage that can go on after a problem collects into a :class:`Diagnostics` and returns it
  (warnings and errors alike) with its result; it never prints and never fills a caller's list.
  A stage that cannot go on raises :class:`SiteError` (or :class:`ErrorList` for several), whose
  ``.diagnostics`` are the same Diagnostic objects.
- Typos are answered by :func:`did_you_mean` only, so every suggestion reads the same.
- ``--strict`` turns warnings into errors with :meth:`Diagnostics.strict`.

``SiteError``, ``ConfigError``, ``ContentError``, ``ThemeError``, ``ErrorList``, ``Warn`` and
``raise_collected`` keep their old signatures for callers written before Diagnostic.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning", "note"]


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest known name to a misspelt one, or None when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` to append to a message, or ``""``."""
    close = did_you_mean(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


def _path_str(path: Path | str | None) -> str | None:
    return str(path) if path is not None else None


@dataclass(frozen=True, init=False)
class Diagnostic:
    """One problem: where it is, what it is, and (optionally) what to do about it."""

    message: str
    path: str | None
    line: int | None
    column: int | None
    hint: str | None
    severity: Severity
    place: str | None  # where in a file without lines: a JSON path such as "$[2].paper"

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        severity: Severity = "error",
        *,
        place: str | None = None,
    ):
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "path", _path_str(path))
        object.__setattr__(self, "line", line)
        object.__setattr__(self, "column", column)
        object.__setattr__(self, "hint", hint)
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "place", place or None)

    @property
    def location(self) -> str:
        """``path:line:col`` (as much of it as is known), ``path: $[2].paper``, or ``""``."""
        if self.path is None:
            return ""
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        where = ":".join(parts)
        return f"{where}: {self.place}" if self.place else where

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} ({self.hint})" if self.hint else text

    def relative_to(self, site_dir: Path) -> Diagnostic:
        """The same diagnostic naming its file relative to the site, when it is inside it."""
        if self.path is None or not Path(self.path).is_absolute():
            return self
        try:
            rel = Path(self.path).resolve().relative_to(site_dir.resolve())
        except ValueError:
            return self
        return self._with(path=str(rel))

    def as_warning(self) -> Diagnostic:
        return self._with(severity="warning")

    def as_diagnostic_error(self) -> Diagnostic:
        return self._with(severity="error")

    def as_error(self) -> SiteError:
        """This problem as an exception (``--strict`` raises warnings this way)."""
        return ContentError.of(self)

    def _with(self, **changes: object) -> Diagnostic:
        values = {
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "hint": self.hint,
            "severity": self.severity,
            "place": self.place,
        }
        values.update(changes)
        return Diagnostic(**values)  # type: ignore[arg-type]


class Warn(Diagnostic):
    """A warning: a Diagnostic that does not stop the run (``--strict``: an error)."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
        severity: Severity = "warning",
        *,
        place: str | None = None,
    ):
        super().__init__(message, path, line, column, hint, severity, place=place)


class SiteError(Exception):
    """Base of all errors a user should see without a traceback; carries its Diagnostic(s)."""

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        *,
        column: int | None = None,
        hint: str | None = None,
        place: str | None = None,
    ):
        super().__init__(message)
        self.diagnostic = Diagnostic(message, path, line, column, hint, place=place)

    @classmethod
    def of(cls, diagnostic: Diagnostic) -> SiteError:
        d = diagnostic
        return cls(d.message, d.path, d.line, column=d.column, hint=d.hint, place=d.place)

    @property
    def message(self) -> str:
        return self.diagnostic.message

    @property
    def path(self) -> str | None:
        return self.diagnostic.path

    @property
    def line(self) -> int | None:
        return self.diagnostic.line

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return (self.diagnostic,)

    def __str__(self) -> str:
        return str(self.diagnostic)


class ConfigError(SiteError):
    """site.yaml (or a command-line override) is wrong."""


class ContentError(SiteError):
    """A content or input file is wrong."""


class ThemeError(SiteError):
    """A theme or template is missing or broken."""


class ErrorList(SiteError):  # noqa: N818 (a list of errors, not one)
    """Several errors collected over a whole run, reported together."""

    def __init__(self, errors: Iterable[SiteError | Diagnostic]):
        kept: list[SiteError] = []
        for e in errors:
            if isinstance(e, ErrorList):
                kept.extend(e.errors)
            else:
                kept.append(e if isinstance(e, SiteError) else SiteError.of(e))
        self.errors = tuple(kept)
        self._diagnostics = tuple(e.diagnostic for e in kept)
        super().__init__(f"{len(self._diagnostics)} error(s)")

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return self._diagnostics

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self._diagnostics)


def raise_collected(errors: Sequence[SiteError]) -> None:
    """Raise the errors gathered so far: one as itself, several as an ErrorList."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)


@dataclass
class Diagnostics:
    """What a stage found: errors and warnings in the order found. Returned, never global."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def error(
        self, message: str, path: Path | str | None = None, line: int | None = None, **extra: object
    ) -> None:
        self.items.append(Diagnostic(message, path, line, **extra))  # type: ignore[arg-type]

    def warn(
        self, message: str, path: Path | str | None = None, line: int | None = None, **extra: object
    ) -> None:
        self.items.append(Warn(message, path, line, **extra))

    def extend(self, items: Iterable[Diagnostic] | SiteError) -> None:
        self.items.extend(items.diagnostics if isinstance(items, SiteError) else items)

    def catch(self, exc: SiteError) -> None:
        """Record an exception's diagnostics (as errors)."""
        self.items.extend(d.as_diagnostic_error() for d in exc.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.items if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.items if d.severity == "warning")

    @property
    def notes(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.items if d.severity == "note")

    def note(
        self, message: str, path: Path | str | None = None, line: int | None = None, **extra: object
    ) -> None:
        self.items.append(Diagnostic(message, path, line, severity="note", **extra))  # type: ignore[arg-type]

    @property
    def ok(self) -> bool:
        return not self.errors

    def relative_to(self, site_dir: Path) -> Diagnostics:
        return Diagnostics([d.relative_to(site_dir) for d in self.items])

    def strict(self) -> Diagnostics:
        """Every warning as an error (``--strict``); notes stay notes."""
        return Diagnostics(
            [d.as_diagnostic_error() if d.severity == "warning" else d for d in self.items]
        )

    def raise_errors(self, kind: type[SiteError] = SiteError) -> None:
        """Raise every error found so far, together (one as ``kind``, several as an ErrorList
        of ``kind``); do nothing when there are none."""
        errors = self.errors
        if len(errors) == 1:
            raise kind.of(errors[0])
        if errors:
            raise ErrorList([kind.of(d) for d in errors])

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


__all__ = [
    "ConfigError",
    "ContentError",
    "Diagnostic",
    "Diagnostics",
    "ErrorList",
    "SiteError",
    "ThemeError",
    "Warn",
    "did_you_mean",
    "raise_collected",
    "suggestion",
]
