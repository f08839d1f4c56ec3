"""Text and identifier clean-up shared by the format modules: sources carry LaTeX, JATS XML,
literal ``\\n`` escapes and hard line breaks; ingest wants plain text and canonical ids."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text

_SPACE = re.compile(r"\s+")
_ARXIV_NEW = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\w])")
_ARXIV_OLD = re.compile(r"(?<![\w.])([a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?![\w])")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_TAG = re.compile(r"<[^>]{0,200}>")
_MATH = re.compile(r"(\$\$?)(.+?)\1", re.S)


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def control_free(text: str) -> str:
    """NFC, control and format characters dropped (a zero-width joiner is kept)."""
    text = _ASCII_CONTROL.sub("", text)
    if text.isascii():  # the common case, and per-character checks are slow on 100k abstracts
        return text
    text = unicodedata.normalize("NFC", text)
    return "".join(
        c
        for c in text
        if c.isascii() or c == "\u200d" or unicodedata.category(c) not in ("Cc", "Cf")
    )


def one_line(text: str) -> str:
    """A title or name: control characters gone, literal '\\n' and real breaks are spaces."""
    text = control_free(text.replace("\\n", " "))
    return _SPACE.sub(" ", text).strip()


def paragraphs(text: str) -> str:
    """An abstract: hard line breaks joined, blank lines kept as paragraph breaks."""
    text = control_free(text.replace("\r\n", "\n").replace("\\n", "\n"))
    paras = [_SPACE.sub(" ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paras if p)


_LATEX = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


def latex_to_text(text: str) -> str:
    """LaTeX accents and commands to Unicode (``G{\\"o}del`` -> ``Gödel``); math is kept as $…$
    so the build renders it. Unparseable LaTeX is returned with only its braces dropped."""
    if "\\" not in text and "{" not in text and "~" not in text:
        return text
    pieces: list[str] = []
    last = 0
    for m in _MATH.finditer(text):  # keep math for the build's MathML
        pieces.append(_latex_plain(text[last : m.start()]))
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(_latex_plain(text[last:]))
    return "".join(pieces)


def _latex_plain(text: str) -> str:
    if not text:
        return text
    try:
        return _LATEX.latex_to_text(text)
    except Exception:  # pylatexenc raises assorted errors on broken input; keep the words
        return text.replace("{", "").replace("}", "")


def strip_jats(text: str) -> str:
    """JATS / HTML markup (``<jats:p>``, ``<jats:italic>``) to plain text, paragraphs kept."""
    if "<" not in text:
        return html.unescape(text)
    # Crossref abstracts open with a heading that only says "Abstract".
    text = re.sub(r"<(jats:)?title>\s*abstract\s*</(jats:)?title>", "", text, flags=re.I)
    text = re.sub(r"</?(?:jats:)?(?:p|sec|title)\b[^>]*>", "\n\n", text)
    return html.unescape(_TAG.sub("", text))


def arxiv_id(value: str | None) -> str | None:
    """An arXiv id without version from an id, 'arXiv:…' or an abs/pdf URL; None if none."""
    if not value:
        return None
    m = _ARXIV_NEW.search(value) or _ARXIV_OLD.search(value)
    return m.group(1) if m else None


def arxiv_month(aid: str | None) -> dt.date | None:
    """The first day of the month an arXiv id was assigned ('2608.17848' -> 2026-08-01,
    'hep-th/9901001' -> 1999-01-01): ids are numbered by submission month."""
    if not aid:
        return None
    digits = aid.rsplit("/", 1)[-1]
    year, month = int(digits[:2]), int(digits[2:4])
    if not 1 <= month <= 12:
        return None
    # Old-style ids run from 1991 to 2007; new-style ones start in 2007 (0704).
    return dt.date((1900 if "/" in aid and year >= 91 else 2000) + year, month, 1)


def doi(value: str | None) -> str | None:
    """A DOI in the form that compares equal: lower case, no resolver prefix or trailing dot."""
    if not value:
        return None
    m = _DOI.search(value.strip())
    if not m:
        return None
    return m.group(0).rstrip(".,;").lower()


def iso_date(value: object) -> dt.date | None:
    """'2024-03-11', '2024-03-11T09:00:00Z', '2024-03' or '2024' as a date; None otherwise."""
    if not isinstance(value, str):
        return None
    m = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None


def split_list(value: object, seps: str = ",;") -> tuple[str, ...]:
    """A list given as a list or as one separated string, cleaned, duplicates dropped."""
    if isinstance(value, str):
        items: list[object] = re.split(f"[{re.escape(seps)}]", value)
    elif isinstance(value, list):
        items = value
    else:
        return ()
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            text = one_line(item)
            if text and text not in out:
                out.append(text)
    return tuple(out)
