"""BibTeX output: the .bib files readers cite papers with.

(Named cite.py so it does not clash with the BibTeX input format, sources/bibtex.py.)

Every entry is ``@misc`` (what arXiv itself exports for preprints; the content format has no
journal or venue field). Text fields are escaped for LaTeX so that any title survives a
round trip through BibTeX; URL-like fields (url, doi, eprint) are verbatim fields in biblatex
and are only made brace-safe. Non-ASCII text is kept as UTF-8 (LaTeX reads UTF-8 by default
since 2018; biber does too).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence

from .model import Paper
from .slugs import make_slug

# Order matters only for the backslash, which must go first: later replacements add some.
_ESCAPES = {
    "\\": r"\textbackslash{}",
    # BibTeX counts braces even after a backslash, so a lone "\{" would unbalance the entry:
    # these commands print braces without being braces.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_ESCAPE_RE = re.compile("|".join(re.escape(c) for c in _ESCAPES))
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Words skipped when a title word names the key ("On the ..." -> the next word).
_KEY_SKIP = frozenset(
    """
    a an and are can do does for how in is of on the to toward towards what when why with
    """.split()  # noqa: SIM905  (a word list reads best as text)
)
_AND = re.compile(r"\band\b", re.IGNORECASE)


def clean_text(text: str) -> str:
    """One line of text: whitespace folded, control characters (NUL, ESC...) dropped."""
    text = " ".join(text.split())
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")


def escape(text: str) -> str:
    """Text for a BibTeX field: LaTeX specials escaped, braces balanced by construction."""
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], clean_text(text))


def verbatim(text: str) -> str:
    """A URL-like value (url, doi, eprint): no spaces, and no brace or backslash to break out."""
    text = "".join(clean_text(text).split())
    return text.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D")


def author_field(authors: Iterable[str]) -> str:
    """'A and B'. A name holding the word 'and' is braced so BibTeX keeps it one name."""
    names = []
    for name in authors:
        value = escape(name)
        if not value:
            continue
        names.append("{" + value + "}" if _AND.search(value) else value)
    return " and ".join(names)


def _ascii_word(text: str) -> str:
    return make_slug(text, fallback="").replace("-", "")


def _key_stem(paper: Paper) -> str:
    """First author's family name, else the first significant title word, as ASCII."""
    for author in paper.authors:
        family = author.split(",")[0] if "," in author else (author.split() or [""])[-1]
        word = _ascii_word(family)
        if word:
            return word[:20]
    for token in re.findall(r"\w+", paper.title):
        word = _ascii_word(token)
        if word and word not in _KEY_SKIP:
            return word[:20]
    return "paper"


def citation_keys(papers: Sequence[Paper]) -> dict[str, str]:
    """A unique, stable citation key per paper slug: 'engel2026-3fa1'.

    The suffix is a hash of the slug, so a key does not change when other papers are added
    (unlike 'a', 'b' suffixes). Two keys that would still clash get a longer hash.
    """
    digests = {p.slug: hashlib.sha256(p.slug.encode("utf-8")).hexdigest() for p in papers}
    stems = {p.slug: f"{_key_stem(p)}{p.date.year}" for p in papers}
    keys: dict[str, str] = {}
    length = 4
    pending = sorted(digests)
    while pending:
        proposed: dict[str, list[str]] = {}
        for slug in pending:
            proposed.setdefault(f"{stems[slug]}-{digests[slug][:length]}", []).append(slug)
        pending = []
        for key, slugs in proposed.items():
            if len(slugs) == 1:
                keys[slugs[0]] = key
            else:
                pending.extend(slugs)
        length += 2
    return keys


def entry(paper: Paper, key: str, url: str | None = None) -> str:
    """One @misc entry. `url` is the paper page's permalink, when the site's URL is known."""
    fields: list[tuple[str, str]] = [
        # Double braces keep the title's capitals ("DDSP", "MusicRL") in every style.
        ("title", "{" + escape(paper.title) + "}"),
    ]
    authors = author_field(paper.authors)
    if authors:
        fields.append(("author", authors))
    fields.append(("year", str(paper.date.year)))
    fields.append(("month", _MONTHS[paper.date.month - 1]))  # a macro, written unbraced
    if url:
        fields.append(("url", verbatim(url)))
    if paper.arxiv:
        fields += [("eprint", verbatim(paper.arxiv)), ("archiveprefix", "arXiv")]
    if paper.doi:
        fields.append(("doi", verbatim(paper.doi)))
    lines = [f"@misc{{{key},"]
    for name, value in fields:
        lines.append(f"  {name} = {value}," if name == "month" else f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def bib_file(entries: Iterable[str]) -> str:
    """A .bib file: a comment naming the encoding (JabRef and others read it), then entries."""
    return "% Encoding: UTF-8\n\n" + "\n".join(entries)
