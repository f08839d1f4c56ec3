"""TeX math in titles and abstracts: where it is (``$…$``, ``$$…$$``) and its MathML.

The MathML is made at build time by latex2mathml, so pages need no script to show math.
latex2mathml is a converter, not a sanitiser: it copies ``\\text{…}`` into the output
unescaped, and ``\\href``, ``\\style`` and ``\\class`` into attributes. So this module keeps
only the elements and attributes in ``ALLOWED`` (presentation MathML, nothing that can hold
a URL, a style or script) and serialises the tree itself, escaping every text. The page
sanitiser (markup.py) allows the same list again as a second line of defence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree import ElementTree

from latex2mathml.converter import convert_to_element

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
TEX_ENCODING = "application/x-tex"

# Every element latex2mathml emits (plus semantics/annotation, which carry the TeX source),
# each with the attributes it may keep. Left out on purpose: href (\href), style (\style),
# class (\class: would let content pick up the site's CSS classes) and border-color (not
# MathML). tests/unit/test_math.py checks this list against latex2mathml's real output.
ALLOWED: dict[str, frozenset[str]] = {
    tag: frozenset(attrs)
    for tag, attrs in {
        "math": {"display", "xmlns"},
        "semantics": set(),
        "annotation": {"encoding"},
        "mrow": {"movablelimits"},
        "mi": {"mathvariant"},
        "mn": {"mathvariant"},
        "mo": {
            "accent", "fence", "form", "largeop", "lspace", "mathvariant", "maxsize",
            "minsize", "movablelimits", "rspace", "separator", "stretchy",
        },
        "mtext": {"mathvariant"},
        "mspace": {"width", "height", "depth", "linebreak", "mathbackground"},
        "mpadded": {"width", "height", "depth", "lspace", "voffset", "mathbackground"},
        "mphantom": set(),
        "mstyle": {"displaystyle", "scriptlevel", "mathcolor", "mathsize"},
        "mfrac": {"linethickness"},
        "msqrt": set(),
        "mroot": set(),
        "msub": set(),
        "msup": set(),
        "msubsup": set(),
        "munder": set(),
        "mover": {"accent"},
        "munderover": set(),
        "menclose": {"notation"},
        "mtable": {"columnspacing", "rowspacing", "columnlines", "rowlines", "displaystyle"},
        "mtr": set(),
        "mtd": {"columnalign"},
    }.items()
}  # fmt: skip

# Delimiters, following pandoc's tex_math_dollars: an opening $ must be followed by a
# non-space, a closing $ must follow a non-space and must not be followed by a digit, so
# prices ("$5 and $10") stay text. \$ is a literal dollar. $$…$$ is display math.
# STX/ETX are Markdown's placeholders (a code span already taken out): math never spans them.
_BODY = r"(?:\\.|[^\\$\x02\x03])"
MATH_RE = re.compile(
    r"(?<![\\$])\$\$(?P<display>" + _BODY + r"+?)\$\$"
    r"|(?<![\\$])\$(?![\s$])(?P<inline>" + _BODY + r"+?)(?<![\s\\])\$(?![$\d])",
    re.S,
)
_CHAR_REF = re.compile(r"&#(?:x([0-9a-fA-F]+)|([0-9]+));")
_COLOR = re.compile(r"#?[A-Za-z0-9]{1,20}")  # a colour name or #hex, as \color{…} takes
_COLOR_ATTRIBUTES = ("mathcolor", "mathbackground")


class MathError(ValueError):
    """TeX that latex2mathml cannot convert."""


@dataclass(frozen=True)
class MathSpan:
    start: int
    end: int
    tex: str  # the source between the delimiters
    display: bool

    @property
    def source(self) -> str:
        """The span as written, delimiters included."""
        marks = "$$" if self.display else "$"
        return f"{marks}{self.tex}{marks}"


def find_math(text: str) -> Iterator[MathSpan]:
    for m in MATH_RE.finditer(text):
        display = m.group("display") is not None
        tex = m.group("display") if display else m.group("inline")
        yield MathSpan(m.start(), m.end(), tex, display)


def span_of(m: re.Match[str]) -> MathSpan:
    display = m.group("display") is not None
    return MathSpan(m.start(), m.end(), m.group("display" if display else "inline"), display)


def to_element(tex: str, display: bool = False) -> ElementTree.Element:
    """TeX to a MathML ``<math>`` element holding only allowed markup; raises MathError.

    The rendering sits in ``<semantics>`` beside an ``<annotation>`` with the TeX source,
    which browsers do not show but copy, search and assistive tools can use.
    """
    tex = tex.strip()
    if not tex:
        raise MathError("empty math")
    try:
        raw = convert_to_element(tex, display="block" if display else "inline")
    except Exception as exc:  # any failure of a third-party parser on untrusted input
        raise MathError(_reason(exc)) from None
    math = ElementTree.Element(
        "math", {"xmlns": MATHML_NS, "display": "block" if display else "inline"}
    )
    semantics = ElementTree.SubElement(math, "semantics")
    children = [_clean(child) for child in raw]
    if len(children) == 1:
        semantics.append(children[0])
    else:  # <semantics> renders only its first child
        row = ElementTree.SubElement(semantics, "mrow")
        row.extend(children)
    annotation = ElementTree.SubElement(semantics, "annotation", {"encoding": TEX_ENCODING})
    annotation.text = tex
    return math


def to_html(tex: str, display: bool = False) -> str:
    """TeX to a MathML string for an HTML page; raises MathError."""
    return ElementTree.tostring(to_element(tex, display), encoding="unicode", method="html")


def _clean(el: ElementTree.Element) -> ElementTree.Element:
    """A copy of latex2mathml's tree with allowed tags and attributes only, text decoded.

    latex2mathml writes characters as literal ``&#x…;`` strings in its text (it unescapes its
    own serialisation); they are turned into characters here so that serialising escapes
    everything, including markup copied in from ``\\text{…}``.
    """
    tag = el.tag if el.tag in ALLOWED and el.tag not in ("math", "semantics") else "mrow"
    allowed = ALLOWED[tag]
    attrib = {
        k: v
        for k, v in el.attrib.items()
        if k in allowed and (k not in _COLOR_ATTRIBUTES or _COLOR.fullmatch(v))
    }
    out = ElementTree.Element(tag, attrib)
    out.text = _decode(el.text)
    for child in el:
        clean = _clean(child)
        clean.tail = _decode(child.tail)
        out.append(clean)
    return out


def _decode(text: str | None) -> str | None:
    if not text:
        return text
    return _CHAR_REF.sub(_char, text)


def _char(m: re.Match[str]) -> str:
    code = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or (code < 0x20 and code not in (9, 10, 13)):
        return "\ufffd"
    return chr(code)


def _reason(exc: Exception) -> str:
    """A short reason from a latex2mathml exception (their messages are often empty)."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type(exc).__name__).lower()
    words = words.removesuffix(" error").removesuffix(" exception")
    detail = str(exc).strip()
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return f"{words}: {detail}"[:120] if detail else words
