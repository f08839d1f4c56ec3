"""Reading generated BibTeX back as text, independently of site_builder (pylatexenc)."""

from __future__ import annotations

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db


def latex_to_text(value: str) -> str:
    """What a LaTeX reader prints for a field, knowing the brace macros site_builder emits."""
    db = get_default_latex_context_db()
    db.add_context_category(
        "brace-macros",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
        ],
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim").latex_to_text(value)
