"""sources/: every format's fixture read into records, detection by content, and bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.errors import ContentError
from site_builder.model import Link
from site_builder.sources import Options, Record
from site_builder.sources.registry import detect_format, parse_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
OPTS = Options(year=2024, today=dt.date(2030, 1, 2))


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where the fixtures are: a file is named in messages as it was given."""
    monkeypatch.chdir(FIXTURES)


def records(name: str, options: Options = OPTS) -> tuple[Record, ...]:
    return parse_source(Path(name), options).records


def warnings(name: str) -> list[str]:
    return [str(w) for w in parse_source(Path(name), OPTS).warnings]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("arxiv.atom", "arxiv-atom"),
        ("hf_daily.json", "hf-daily"),
        ("refs.bib", "bibtex"),
        ("zotero.json", "csl-json"),
        ("openreview_v2.json", "openreview"),
        ("openreview_v1.json", "openreview"),
        ("arxiv-snapshot.jsonl", "arxiv-snapshot"),
        ("papers.csv", "csv"),
        ("papers.jsonl", "jsonl"),
    ],
)
def test_format_is_detected_by_content(name: str, fmt: str, tmp_path: Path) -> None:
    copy = tmp_path / "export.txt"  # the name says nothing
    copy.write_bytes((FIXTURES / name).read_bytes())
    assert detect_format(copy).name == fmt


def test_dump_is_the_fallback(real_dump: Path) -> None:
    assert detect_format(real_dump).name == "daily-papers"


def test_arxiv_atom() -> None:
    first, hostile = records("arxiv.atom")
    assert first.title == r"Score Matching on Riemannian Manifolds with $\mathcal{O}(n)$ Cost"
    assert first.abstract.startswith("We study score matching when the data lie on a manifold. ")
    assert "\n" not in first.abstract  # hard line breaks joined
    assert first.arxiv == "2403.01234"  # v2 dropped
    assert first.doi == "10.1000/jmlr.2024.77"
    assert first.authors == ("Zoë Müller", "José Ñúñez")
    assert first.date == dt.date(2024, 3, 2)
    assert first.categories == ("cs.LG", "stat.ML")
    assert first.venue == "J. Mach. Learn. Res. 25 (2024)"
    assert first.links == (Link("http://arxiv.org/pdf/2403.01234v2", "pdf"),)
    assert first.where == "arxiv.atom:10"
    assert hostile.title == "<script>alert(1)</script> Robust Agents"  # data, escaped at render
    assert warnings("arxiv.atom") == ["arxiv.atom:51: no title; skipped"]


def test_hf_daily() -> None:
    first, second = records("hf_daily.json")
    assert first.title == "Diffusion Policies for Dexterous Robot Hands"
    assert first.abstract == (
        "We train diffusion policies for robot hands. The policies run at 50 Hz.\n\n"
        "Videos: https://dexdiff.github.io"
    )
    assert first.authors == ("Aiko Tanaka", "Björn Ólafsson")
    assert first.arxiv == "2403.07777"
    assert first.keywords == ("diffusion policy", "dexterous manipulation", "robot learning")
    assert first.links == (
        Link("https://github.com/aiko/dexdiff", "code"),
        Link("https://dexdiff.github.io", "project"),
    )
    assert first.where == "hf_daily.json: $[0].paper"
    assert second.links == ()  # nulls are not links


def test_bibtex_latex_to_unicode() -> None:
    score, graphs = records("refs.bib")
    assert score.authors == ("Zoë Müller", "José Ñúñez")
    assert score.title == r"Score Matching on Riemannian Manifolds with $\mathcal{O}(n)$ Cost"
    assert score.arxiv == "2403.01234" and score.doi == "10.1000/jmlr.2024.77"
    assert score.date == dt.date(2024, 3, 1)
    assert score.keywords == ("score matching", "manifolds")
    assert score.abstract == ""  # no abstract: still a record, still a page
    assert graphs.title == "On Random Graphs in Erdős–Rényi Style"
    assert graphs.authors == ("Pál Erdős", "John Smith", "J. Smith")
    assert graphs.venue == "Proceedings of the 40th International Conference on Machine Learning"
    assert graphs.date == dt.date(2023, 1, 1)
    assert warnings("refs.bib") == ["refs.bib:23: no title; skipped"]


def test_csl_json_jats_cleaned() -> None:
    gnn, book = records("zotero.json")
    assert gnn.abstract == (
        "We predict molecular properties with graph networks & attention.\n\nSecond paragraph."
    )
    assert gnn.authors == ("Antonín Dvořák", "OpenCatalyst Consortium")
    assert gnn.doi == "10.1038/s42256-023-00001-x"
    assert gnn.venue == "Nature Machine Intelligence"
    assert gnn.date == dt.date(2023, 5, 17)
    assert gnn.keywords == ("graph neural networks", "chemistry")
    assert book.date == dt.date(2021, 1, 1) and book.abstract == ""
    assert warnings("zotero.json") == ["zotero.json: $[2]: no title; skipped"]


def test_openreview_v2_and_v1() -> None:
    sparse, withdrawn = records("openreview_v2.json")
    assert sparse.title == "Sparse Attention Is All You Need Sometimes"
    assert sparse.authors == ("Ana García", "Øystein Berg")
    assert sparse.openreview == "aBcD3fGh1j"
    assert sparse.venue == "ICLR 2024 poster"
    assert sparse.keywords == ("sparse attention", "transformers")
    assert Link("https://openreview.net/pdf/0123456789abcdef.pdf", "pdf") in sparse.links
    assert sparse.date == dt.date(2024, 1, 16)
    assert withdrawn.venue is None  # "Submitted to …" is not a venue
    (plan,) = records("openreview_v1.json")
    assert plan.title == "Learning to Plan with Latent Models"
    assert plan.keywords == ("planning", "model-based RL")
    assert plan.where == "openreview_v1.json: $[0].content"


def test_arxiv_snapshot_and_filters() -> None:
    all_ = records("arxiv-snapshot.jsonl")
    assert [r.arxiv for r in all_] == ["0704.0001", "2401.00001", "2402.00002", "2312.00003"]
    first = all_[0]
    assert first.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert first.authors[0] == "C. Balázs"  # from authors_parsed
    assert first.date == dt.date(2007, 4, 2)  # v1's date
    assert first.doi == "10.1103/physrevd.76.013009"
    assert all_[1].abstract == r"We apply transformers to tables with $n \le 10^6$ rows."
    sliced = records(
        "arxiv-snapshot.jsonl",
        Options(year=2024, today=OPTS.today, category=("cs.LG",), since=dt.date(2024, 1, 1)),
    )
    assert [r.arxiv for r in sliced] == ["2401.00001"]
    cs = records("arxiv-snapshot.jsonl", Options(2024, OPTS.today, category=("cs",), limit=2))
    assert [r.arxiv for r in cs] == ["2401.00001", "2402.00002"]


def test_csv_and_jsonl_columns() -> None:
    kernel, moe = records("papers.csv")
    assert kernel.title == "Kernel Methods, Revisited"
    assert kernel.authors == ("John Smith", "Ann Lee")
    assert kernel.abstract == "A revisit of kernels. With a literal newline."
    assert kernel.doi == "10.5555/km.2022" and kernel.venue == "NeurIPS 2022"
    assert moe.arxiv == "2301.01111" and moe.abstract == ""
    assert warnings("papers.csv") == ["papers.csv:4: no title; skipped"]
    rl, second = records("papers.jsonl")
    assert rl.authors == ("Kim Soo-jin", "Ravi Patel") and rl.categories == ("cs.LG",)
    assert second.abstract == "Summary column used." and second.date == dt.date(2020, 1, 1)
    mapped = records("papers.jsonl", Options(2024, OPTS.today, columns=(("abstract", "title"),)))
    assert mapped[0].abstract == "Reinforcement Learning from Feedback"


# --- bad input: file and line (or JSON path), exact messages ---------------------------------


def bad(tmp_path: Path, name: str, text: str | bytes, fmt: str | None = None) -> ContentError:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        parse_source(path, OPTS, fmt)
    return info.value


def test_malformed_xml(tmp_path: Path) -> None:
    err = bad(
        tmp_path,
        "q.atom",
        '<feed xmlns="http://www.w3.org/2005/Atom"><!-- arxiv -->\n<entry>\n<title>x</entry>\n',
    )
    assert str(err) == f"{tmp_path / 'q.atom'}:3:11: not well-formed XML: mismatched tag"


def test_entity_expansion_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>arxiv &b;</title></feed>\n'
    )
    err = bad(tmp_path, "bomb.xml", bomb)
    assert "entity declarations or a DTD is refused" in str(err)


def test_external_entity_refused(tmp_path: Path) -> None:
    xxe = (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>arxiv &x;</title></feed>\n'
    )
    assert "refused" in str(bad(tmp_path, "xxe.xml", xxe))


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    err = bad(tmp_path, "d.json", '[\n {"paper": {"title": "x",\n  "upvotes": }}\n]\n', "hf-daily")
    assert err.line == 3
    assert str(err).endswith(":3:14: not valid JSON: Expecting value")


def test_malformed_jsonl_names_the_line(tmp_path: Path) -> None:
    err = bad(tmp_path, "s.jsonl", '{"title": "a"}\n{"title": \n', "jsonl")
    assert str(err) == f"{tmp_path / 's.jsonl'}:2:11: not valid JSON: Expecting value"


def test_malformed_bibtex_names_the_entry_line(tmp_path: Path) -> None:
    text = (
        "@article{a, title={Fine}, year=2020}\n\n@article{b,\n  title={Broken\n\n"
        "@misc{c, title={C}}\n"
    )
    err = bad(tmp_path, "r.bib", text)
    assert str(err) == (
        f"{tmp_path / 'r.bib'}:3: not valid BibTeX: "
        "this entry is not closed (a missing '}' or ',')"
    )


def test_csv_cells_with_doubled_quotes(tmp_path: Path) -> None:
    """A spreadsheet writes a quote inside a cell as "" and quotes only the cells that need
    it; the header, plain words, says nothing about quoting."""
    rows = [
        "title,abstract,date",
        'Plain Title,"We call it ""SIFT"", a classifier.",2024-05-01',
        '"Self-Improving, Frozen-gate Training","A ""gate"" that is frozen.",2024-05-02',
    ]
    (tmp_path / "sheet.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    first, second = parse_source(tmp_path / "sheet.csv", OPTS).records
    assert first.abstract == 'We call it "SIFT", a classifier.'
    assert second.title == "Self-Improving, Frozen-gate Training"
    assert second.abstract == 'A "gate" that is frozen.'
    semicolons = 'Title;Abstract\n"A; B";"Said ""hi""; left."\n'
    (tmp_path / "eu.csv").write_text(semicolons, encoding="utf-8")
    (paper,) = parse_source(tmp_path / "eu.csv", OPTS).records
    assert (paper.title, paper.abstract) == ("A; B", 'Said "hi"; left.')


def test_malformed_csv_names_the_row(tmp_path: Path) -> None:
    err = bad(tmp_path, "p.csv", "title,abstract\nA,one\nB,two,three\n")
    assert str(err) == f"{tmp_path / 'p.csv'}:3: row has 3 cells, the header has 2"


def test_csv_quote_left_open_names_its_row(tmp_path: Path) -> None:
    err = bad(tmp_path, "q.csv", 'title,abstract\nA,fine\n"Unclosed, here,abc\nB,c\n')
    assert str(err) == (
        f"{tmp_path / 'q.csv'}:3: not valid CSV: a quoted cell is never closed "
        '(a " opened in this row has no partner)'
    )


def test_not_utf8(tmp_path: Path) -> None:
    err = bad(tmp_path, "r.bib", b"@misc{a,\n title={caf\xe9}}\n")
    assert err.line == 2 and "not UTF-8" in str(err)


def test_wrong_shape_json(tmp_path: Path) -> None:
    err = bad(tmp_path, "x.json", '{"paper": 1}', "hf-daily")
    assert str(err) == f"{tmp_path / 'x.json'}:1: expected a JSON list of daily papers at $"


def test_json_no_format_knows(tmp_path: Path) -> None:
    err = bad(tmp_path, "x.json", '[{"name": "not a paper"}]\n')
    assert str(err).startswith(f"{tmp_path / 'x.json'}:1: JSON in a shape no format knows")


def test_broken_json_is_a_json_error_not_a_dump(tmp_path: Path) -> None:
    err = bad(tmp_path, "x.json", '[{"paper": {"title": "x"}},\n')
    assert str(err) == f"{tmp_path / 'x.json'}:2:1: not valid JSON: Expecting value"


def test_arxiv_subject_keywords_are_categories() -> None:
    # Zotero and NASA ADS give arXiv's subjects as keywords ("Computer Science - Machine
    # Learning"); they are categories, and the user's own keywords stay keywords.
    score, qubits, parts = records("arxiv-subjects.bib")
    assert score.categories == ("cs.LG", "stat.ML")
    assert score.keywords == ("to read",)
    # A subject name with commas in it, split by the keyword list's commas, is still one.
    assert qubits.categories == ("quant-ph", "cond-mat.supr-con", "cs.DC")
    assert qubits.keywords == ("error budgets",)
    # ADS names the primary category too: it comes first, once.
    assert parts.categories == ("cs.CV",) and parts.keywords == ()
    assert parts.arxiv == "1804.01438"


def test_arxiv_subject_keywords_in_csl_json(tmp_path: Path) -> None:
    path = tmp_path / "library.json"
    path.write_text(
        '[{"id": "x", "type": "article", "title": "Sparse attention",'
        ' "issued": {"date-parts": [[2024, 2, 1]]},'
        ' "keyword": "Computer Science - Computation and Language, sparsity"}]'
    )
    (record,) = parse_source(path, OPTS).records
    assert record.categories == ("cs.CL",) and record.keywords == ("sparsity",)
