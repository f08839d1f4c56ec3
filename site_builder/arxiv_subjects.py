"""arXiv subject names, as reference managers write them into keywords, read as categories
(by ingest and by the loader).

Zotero, NASA ADS and Google Scholar give an arXiv paper's subjects as keywords such as
"Computer Science - Machine Learning" or "Quantum Physics": the arXiv listing's own names,
"<archive> - <subject>". They are categories, not words the authors chose, so ingest stores
them as ``categories`` (``cs.LG``, ``quant-ph``), where a taxonomy's ``categories:`` mapping
reads them, and keeps the paper's other keywords as keywords.
"""

from __future__ import annotations

import re

# arXiv's category taxonomy (https://arxiv.org/category_taxonomy): the name of each archive
# as the listing writes it, and its subjects by name.
_ARCHIVES: dict[str, tuple[str, dict[str, str]]] = {
    "Computer Science": (
        "cs",
        {
            "Artificial Intelligence": "AI",
            "Hardware Architecture": "AR",
            "Computational Complexity": "CC",
            "Computational Engineering, Finance, and Science": "CE",
            "Computational Geometry": "CG",
            "Computation and Language": "CL",
            "Cryptography and Security": "CR",
            "Computer Vision and Pattern Recognition": "CV",
            "Computers and Society": "CY",
            "Databases": "DB",
            "Distributed, Parallel, and Cluster Computing": "DC",
            "Digital Libraries": "DL",
            "Discrete Mathematics": "DM",
            "Data Structures and Algorithms": "DS",
            "Emerging Technologies": "ET",
            "Formal Languages and Automata Theory": "FL",
            "General Literature": "GL",
            "Graphics": "GR",
            "Computer Science and Game Theory": "GT",
            "Human-Computer Interaction": "HC",
            "Information Retrieval": "IR",
            "Information Theory": "IT",
            "Machine Learning": "LG",
            "Logic in Computer Science": "LO",
            "Multiagent Systems": "MA",
            "Multimedia": "MM",
            "Mathematical Software": "MS",
            "Numerical Analysis": "NA",
            "Neural and Evolutionary Computing": "NE",
            "Networking and Internet Architecture": "NI",
            "Other Computer Science": "OH",
            "Operating Systems": "OS",
            "Performance": "PF",
            "Programming Languages": "PL",
            "Robotics": "RO",
            "Symbolic Computation": "SC",
            "Sound": "SD",
            "Software Engineering": "SE",
            "Social and Information Networks": "SI",
            "Systems and Control": "SY",
        },
    ),
    "Statistics": (
        "stat",
        {
            "Applications": "AP",
            "Computation": "CO",
            "Methodology": "ME",
            "Machine Learning": "ML",
            "Other Statistics": "OT",
            "Statistics Theory": "TH",
        },
    ),
    "Electrical Engineering and Systems Science": (
        "eess",
        {
            "Audio and Speech Processing": "AS",
            "Image and Video Processing": "IV",
            "Signal Processing": "SP",
            "Systems and Control": "SY",
        },
    ),
    "Economics": (
        "econ",
        {"Econometrics": "EM", "General Economics": "GN", "Theoretical Economics": "TH"},
    ),
    "Mathematics": (
        "math",
        {
            "Commutative Algebra": "AC",
            "Algebraic Geometry": "AG",
            "Analysis of PDEs": "AP",
            "Algebraic Topology": "AT",
            "Classical Analysis and ODEs": "CA",
            "Combinatorics": "CO",
            "Category Theory": "CT",
            "Complex Variables": "CV",
            "Differential Geometry": "DG",
            "Dynamical Systems": "DS",
            "Functional Analysis": "FA",
            "General Mathematics": "GM",
            "General Topology": "GN",
            "Group Theory": "GR",
            "Geometric Topology": "GT",
            "History and Overview": "HO",
            "Information Theory": "IT",
            "K-Theory and Homology": "KT",
            "Logic": "LO",
            "Metric Geometry": "MG",
            "Mathematical Physics": "MP",
            "Numerical Analysis": "NA",
            "Number Theory": "NT",
            "Operator Algebras": "OA",
            "Optimization and Control": "OC",
            "Probability": "PR",
            "Quantum Algebra": "QA",
            "Rings and Algebras": "RA",
            "Representation Theory": "RT",
            "Symplectic Geometry": "SG",
            "Spectral Theory": "SP",
            "Statistics Theory": "ST",
        },
    ),
    "Physics": (
        "physics",
        {
            "Accelerator Physics": "acc-ph",
            "Atmospheric and Oceanic Physics": "ao-ph",
            "Applied Physics": "app-ph",
            "Atomic and Molecular Clusters": "atm-clus",
            "Atomic Physics": "atom-ph",
            "Biological Physics": "bio-ph",
            "Chemical Physics": "chem-ph",
            "Classical Physics": "class-ph",
            "Computational Physics": "comp-ph",
            "Data Analysis, Statistics and Probability": "data-an",
            "Physics Education": "ed-ph",
            "Fluid Dynamics": "flu-dyn",
            "General Physics": "gen-ph",
            "Geophysics": "geo-ph",
            "History and Philosophy of Physics": "hist-ph",
            "Instrumentation and Detectors": "ins-det",
            "Medical Physics": "med-ph",
            "Optics": "optics",
            "Plasma Physics": "plasm-ph",
            "Popular Physics": "pop-ph",
            "Physics and Society": "soc-ph",
            "Space Physics": "space-ph",
        },
    ),
    "Astrophysics": (
        "astro-ph",
        {
            "Cosmology and Nongalactic Astrophysics": "CO",
            "Earth and Planetary Astrophysics": "EP",
            "Astrophysics of Galaxies": "GA",
            "High Energy Astrophysical Phenomena": "HE",
            "Instrumentation and Methods for Astrophysics": "IM",
            "Solar and Stellar Astrophysics": "SR",
        },
    ),
    "Condensed Matter": (
        "cond-mat",
        {
            "Disordered Systems and Neural Networks": "dis-nn",
            "Mesoscale and Nanoscale Physics": "mes-hall",
            "Materials Science": "mtrl-sci",
            "Other Condensed Matter": "other",
            "Quantum Gases": "quant-gas",
            "Soft Condensed Matter": "soft",
            "Statistical Mechanics": "stat-mech",
            "Strongly Correlated Electrons": "str-el",
            "Superconductivity": "supr-con",
        },
    ),
    "Nonlinear Sciences": (
        "nlin",
        {
            "Adaptation and Self-Organizing Systems": "AO",
            "Chaotic Dynamics": "CD",
            "Cellular Automata and Lattice Gases": "CG",
            "Pattern Formation and Solitons": "PS",
            "Exactly Solvable and Integrable Systems": "SI",
        },
    ),
    "Quantitative Biology": (
        "q-bio",
        {
            "Biomolecules": "BM",
            "Cell Behavior": "CB",
            "Genomics": "GN",
            "Molecular Networks": "MN",
            "Neurons and Cognition": "NC",
            "Other Quantitative Biology": "OT",
            "Populations and Evolution": "PE",
            "Quantitative Methods": "QM",
            "Subcellular Processes": "SC",
            "Tissues and Organs": "TO",
        },
    ),
    "Quantitative Finance": (
        "q-fin",
        {
            "Computational Finance": "CP",
            "Economics": "EC",
            "General Finance": "GN",
            "Mathematical Finance": "MF",
            "Portfolio Management": "PM",
            "Pricing of Securities": "PR",
            "Risk Management": "RM",
            "Statistical Finance": "ST",
            "Trading and Market Microstructure": "TR",
        },
    ),
    "High Energy Physics": (
        "",
        {
            "Experiment": "hep-ex",
            "Lattice": "hep-lat",
            "Phenomenology": "hep-ph",
            "Theory": "hep-th",
        },
    ),
    "Nuclear": ("", {"Experiment": "nucl-ex", "Theory": "nucl-th"}),
}
# Archives of one subject, named on their own.
_SINGLE = {
    "General Relativity and Quantum Cosmology": "gr-qc",
    "Mathematical Physics": "math-ph",
    "Quantum Physics": "quant-ph",
    "Nuclear Experiment": "nucl-ex",
    "Nuclear Theory": "nucl-th",
}


def _key(name: str) -> str:
    # Case, spacing and the dash's spacing as exports vary them: "Computer Science -
    # Machine Learning", "computer science - machine learning".
    return (
        re.sub(r"\s+", " ", re.sub(r"\s*[-\u2013\u2014]\s*(?=[^\W\d_])", " - ", name))
        .strip()
        .casefold()
    )


def _table() -> dict[str, str]:
    table = {_key(name): code for name, code in _SINGLE.items()}
    for archive, (prefix, subjects) in _ARCHIVES.items():
        for subject, code in subjects.items():
            table[_key(f"{archive} - {subject}")] = f"{prefix}.{code}" if prefix else code
    return table


_CATEGORY_OF = _table()
# The first pieces of the names that hold a comma ("computer science - distributed").
_COMMA_STARTS = frozenset(name.split(",")[0] for name in _CATEGORY_OF if "," in name)


def _lookup_key(keyword: str) -> str:
    folded = keyword.casefold()
    if " -" in folded or "- " in folded or "\u2013" in folded or "\u2014" in folded:
        return _key(keyword)  # a dash with spaces: maybe a subject name, its spacing evened
    return folded


def category_of(keyword: str) -> str | None:
    """The arXiv category a keyword names ("Computer Science - Machine Learning" -> "cs.LG"),
    or None when it is not an arXiv subject name."""
    return _CATEGORY_OF.get(_lookup_key(keyword))


def split_subjects(
    keywords: tuple[str, ...], categories: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keywords, categories): the arXiv subject names among ``keywords`` moved to the end of
    ``categories`` as their codes, each category once."""
    kept: list[str] = []
    found = list(categories)
    i = 0
    while i < len(keywords):
        # Three subject names hold commas ("Computer Science - Distributed, Parallel, and
        # Cluster Computing"), which a comma-separated keyword list has split: join them back.
        code, width = category_of(keywords[i]), 1
        if code is None and _lookup_key(keywords[i]) in _COMMA_STARTS:
            for width in (3, 2):
                code = category_of(", ".join(keywords[i : i + width]))
                if code is not None:
                    break
        if code is None:
            kept.append(keywords[i])
            i += 1
            continue
        if code not in found:
            found.append(code)
        i += width
    return tuple(kept), tuple(found)
