"""`topics suggest` drafts sensible topics for collections outside machine learning."""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.enrich.topics import assign
from site_builder.model import Paper
from site_builder.suggest import DraftTopic, draft_yaml, suggest
from site_builder.taxonomy import parse_taxonomy

DATA = Path(__file__).parent.parent / "data"


def labelled(name: str) -> tuple[tuple[Paper, ...], list[str]]:
    rows = [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]
    papers = tuple(
        Paper(slug=f"p{i}", title=r["title"], date=dt.date(2024, 1, 1), abstract=r["abstract"])
        for i, r in enumerate(rows)
    )
    return papers, [r["label"] for r in rows]


def from_texts(texts: list[tuple[str, str]]) -> tuple[Paper, ...]:
    """Papers from (title, abstract) pairs."""
    return tuple(
        Paper(slug=f"p{i}", title=title, date=dt.date(2024, 1, 1), abstract=abstract)
        for i, (title, abstract) in enumerate(texts)
    )


@pytest.mark.parametrize(
    ("collection", "words"),
    [
        (
            "physics.jsonl",
            {
                "superconducting",
                "quantum",
                "cosmic",
                "dark",
                "superconductor",
                "qubits",
                "galaxy",
                "superconductors",
            },
        ),
        (
            "biology.jsonl",
            {
                "neurons",
                "species",
                "genetic",
                "genes",
                "gene",
                "ecosystem",
                "variants",
                "genome",
                "cortex",
                "neuronal",
                "diversity",
            },
        ),
    ],
)
def test_clusters_follow_the_fields_themes(collection: str, words: set[str]) -> None:
    papers, labels = labelled(collection)
    drafts = suggest(papers, 3)
    assert len(drafts) == 3
    # Each draft topic is mostly one theme, and each theme is mostly one topic.
    purity = sum(Counter(labels[i] for i in d.members).most_common(1)[0][1] for d in drafts)
    assert purity / len(papers) >= 0.9
    # Names come from the field's own words.
    for draft in drafts:
        assert set(draft.name.lower().replace(" and ", " ").split()) & words, draft.name


@pytest.mark.parametrize("collection", ["physics.jsonl", "biology.jsonl"])
def test_draft_loads_as_a_taxonomy_and_gives_back_its_clusters(collection: str) -> None:
    papers, _ = labelled(collection)
    drafts = suggest(papers, 3)
    text = draft_yaml(papers, drafts)
    taxonomy = parse_taxonomy(text, Path("draft.yaml"))
    assert [t.name for t in taxonomy.topics] == [d.name for d in drafts]
    site = assign(papers, taxonomy, 1)
    agree = sum(site.papers[i].topics[0] == d.name for d in drafts for i in d.members)
    assert agree / len(papers) >= 0.9
    assert "papers, e.g.:" in text and papers[drafts[0].members[0]].title in text


@pytest.mark.parametrize("collection", ["physics.jsonl", "biology.jsonl"])
def test_a_paper_shows_its_own_cluster_not_a_passing_second_one(collection: str) -> None:
    # With up to 3 topics a paper, as a site shows them: the draft's own scoring keeps a
    # second draft topic off a paper that only mentions its words (one biology paper got one
    # under the default rule).
    papers, _ = labelled(collection)
    drafts = suggest(papers, 3)
    taxonomy = parse_taxonomy(draft_yaml(papers, drafts), Path("draft.yaml"))
    assert taxonomy.secondary_ratio == 0.8
    site = assign(papers, taxonomy, 3)
    for draft in drafts:
        for i in draft.members:
            assert site.papers[i].topics == (draft.name,), papers[i].title


def test_a_topic_of_one_paper_says_one_paper() -> None:
    papers, _ = labelled("physics.jsonl")
    text = draft_yaml(papers, [DraftTopic("Dark matter", (("dark matter", 4),), (0,))])
    assert "  # 1 paper, e.g.:" in text


def test_latex_markup_names_no_topic_and_is_no_keyword() -> None:
    # arXiv abstracts keep their LaTeX: a mathematics day's drafts were named "Mathbb and
    # fields" before commands were dropped.
    papers, labels = labelled("physics.jsonl")
    markup = " Let $\\mathbb{Z}$ and $\\mathrm{d}\\frac{1}{2}$ be \\emph{given} in \\mathbb{R}^n."
    papers = tuple(
        Paper(**{**p.__dict__, "abstract": p.abstract + markup * 3})
        if labels[i] == labels[0]
        else p
        for i, p in enumerate(papers)
    )
    drafts = suggest(papers, 3)
    words = {w for d in drafts for k, _ in d.keywords for w in k.split()}
    words |= {w.lower() for d in drafts for w in d.name.split()}
    assert not words & {"mathbb", "mathrm", "frac", "emph", "let"}, words


def test_same_collection_same_draft() -> None:
    papers, _ = labelled("biology.jsonl")
    assert draft_yaml(papers, suggest(papers, 3)) == draft_yaml(papers, suggest(papers, 3))


def physics_site(site: Path, site_yaml: str) -> None:
    """A site of the 15 labelled physics papers, one content file each."""
    (site / "content" / "papers").mkdir(parents=True)
    (site / "site.yaml").write_text(site_yaml)
    papers, _ = labelled("physics.jsonl")
    for p in papers:
        (site / "content" / "papers" / f"{p.slug}.md").write_text(
            f"---\ntitle: {json.dumps(p.title)}\ndate: 2024-01-01\n---\n{p.abstract}\n"
        )


def test_cli_writes_a_draft_and_never_overwrites_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    physics_site(site, "title: Physics\n")
    out = site / "topics.yaml"
    assert (
        main(["--site", str(site), "topics", "suggest", "--topics", "3", "--output", str(out)]) == 0
    )
    parse_taxonomy(out.read_text(), out)
    assert "clustering 15 papers into up to 3 topics" in capsys.readouterr().err
    out.write_text("# my edits\n")
    assert main(["--site", str(site), "topics", "suggest", "--output", str(out)]) == 1
    assert out.read_text() == "# my edits\n"
    assert "exists" in capsys.readouterr().err


def test_cli_drafts_again_when_site_yaml_names_the_deleted_draft(tmp_path: Path) -> None:
    # The user pointed topics_file at the draft, then deleted it to start over.
    physics_site(tmp_path, "title: Physics\ntopics_file: topics.yaml\n")
    out = tmp_path / "topics.yaml"
    assert main(["--site", str(tmp_path), "topics", "suggest", "--output", str(out)]) == 0
    assert main(["--site", str(tmp_path), "build"]) == 0  # and the site builds with it


def test_a_build_the_default_taxonomy_does_not_fit_points_to_suggest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    physics_site(tmp_path, "title: Physics\n")
    assert main(["--site", str(tmp_path), "build"]) == 0
    err = capsys.readouterr().err
    assert "note: the topic taxonomy fits only" in err
    assert "`site-builder topics suggest --output draft.yaml`" in err
    assert main(["--site", str(tmp_path), "build"]) == 0  # a no-op build says it again
    assert "note: the topic taxonomy fits only" in capsys.readouterr().err
    out = tmp_path / "draft.yaml"
    assert main(["--site", str(tmp_path), "topics", "suggest", "--output", str(out)]) == 0
    (tmp_path / "site.yaml").write_text("title: Physics\ntopics_file: draft.yaml\n")
    capsys.readouterr()
    assert main(["--site", str(tmp_path), "build"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_cli_says_plainly_when_there_is_nothing_to_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "content" / "papers").mkdir(parents=True)
    (tmp_path / "site.yaml").write_text("title: Empty words\n")
    for i in range(3):  # titles of stop words only, no abstracts
        (tmp_path / "content" / "papers" / f"p{i}.md").write_text(
            f"---\ntitle: The and of {i}\ndate: 2024-01-01\n---\n"
        )
    out = tmp_path / "topics.yaml"
    assert main(["--site", str(tmp_path), "topics", "suggest", "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "error: topics suggest: the papers share too few words to cluster" in err
    assert "Traceback" not in err and not out.exists()


def test_copies_of_one_paper_give_one_topic_quietly_in_the_papers_own_script() -> None:
    paper = Paper(
        slug="q",
        title="量子计算 with quantum qubits",
        date=dt.date(2024, 1, 1),
        abstract="Quantum qubits and entanglement in 量子计算.",
    )
    papers = (paper, replace(paper, slug="q2"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning scikit-learn prints would alarm the user
        drafts = suggest(papers, 5)
    assert len(drafts) == 1 and drafts[0].members == (0, 1)
    text = draft_yaml(papers, drafts)
    assert 'description: "Papers about quantum qubits and 量子计算."' in text, text
    assert parse_taxonomy(text, Path("draft.yaml")).topics[0].name == drafts[0].name


def test_a_name_is_two_ideas_not_two_spellings_of_one() -> None:
    # Papers on graphs say "graph" and "graphs"; the draft names and keywords say it once.
    texts = [
        ("Shortest paths in planar graphs", "We find shortest paths in planar graphs; each graph"),
        ("Colouring sparse graphs", "Graph colouring of sparse graphs with few colours"),
        ("Matching in bipartite graphs", "A bipartite graph matching algorithm for large graphs"),
        ("Protein folding kinetics", "Folding of a small protein; folding rates and kinetics"),
        ("Protein folding intermediates", "Intermediates on the folding path of proteins"),
        ("Misfolded protein aggregates", "Aggregates of misfolded protein and folding chaperones"),
    ]
    papers = from_texts(texts)
    for draft in suggest(papers, 2):
        terms = [t for t, _ in draft.keywords]
        assert not ({"graph", "graphs"} <= set(terms)), terms
        assert draft.name not in ("Graph and graphs", "Graphs and graph"), draft.name


def test_two_words_the_papers_write_together_are_named_as_one_phrase() -> None:
    # "energy" and "dark" lead the cluster's terms, but neither is nearly always in one
    # phrase ("vacuum energy", "dark matter"): together they are still "dark energy", in the
    # order the papers write them. A name never says a word twice ("Coral reef and reef
    # bleaching").
    texts = [
        ("Dark energy and vacuum energy", "Dark energy, dark matter and the vacuum energy"),
        ("Interacting dark energy", "Dark energy exchanging energy with dark matter halos"),
        ("Dark energy surveys", "Forecasts for dark energy, with dark matter maps and energy"),
        ("Coral reef bleaching", "Coral reefs bleach in marine heatwaves; reef recovery"),
        ("Reef fish diversity", "Fish diversity on coral reefs after bleaching"),
        ("Coral spawning", "Spawning of coral on reefs and larval settlement"),
    ]
    papers = from_texts(texts)
    names = [d.name for d in suggest(papers, 2)]
    assert any(n.startswith("Dark energy") for n in names), names
    for name in names:
        words = name.lower().replace(" and ", " ").split()
        assert len(words) == len(set(words)), name


def test_names_say_the_phrase_as_papers_write_it() -> None:
    # "series" alone names nothing and "llm" is how nobody writes it; a split hyphenated word
    # ("multi" of "multi-agent") is never a keyword.
    texts = [
        ("Forecasting electricity load with time series transformers",
         "We forecast time series of electricity load; long time series horizons."),
        ("Anomalies in multivariate time series",
         "Detecting anomalies in multivariate time series from sensors; time series scores."),
        ("Irregularly sampled time series",
         "Time series with missing values and irregular sampling; time series imputation."),
        ("LLM agents that browse the web",
         "Multi-agent LLM systems browse the web; each LLM agent plans, multi-agent debate."),
        ("Tool use by LLM agents",
         "LLM agents call tools; we study how an LLM agent chooses tools in multi-agent teams."),
        ("Memory for LLM agents",
         "Long-term memory lets LLM agents recall; multi-agent LLM memory."),
    ]  # fmt: skip
    papers = from_texts(texts)
    series, agents = sorted(suggest(papers, 2), key=lambda d: "LLM" in d.name)
    assert series.name.startswith("Time series and "), series.name
    assert agents.name.startswith("LLM agents"), agents.name
    assert all(term != "multi" for d in (series, agents) for term, _ in d.keywords)
    assert 'description: "Papers about LLM agents' in draft_yaml(papers, (agents,))


def with_keywords(rows: list[tuple[str, str, list[str]]]) -> tuple[Paper, ...]:
    """Papers from (title, abstract, the source's keywords) rows."""
    papers = from_texts([(title, abstract) for title, abstract, _ in rows])
    return tuple(replace(p, keywords=tuple(r[2])) for p, r in zip(papers, rows, strict=True))


# Two clusters of a conference whose authors typed their own keywords, in their own
# spellings: Title Case, an abbreviation beside its long form, one keyword on every paper.
CONFERENCE = [
    ("Stable training of adversarial image generators",
     "We train a generator and a discriminator; the GAN objective is stabilised by spectral"
     " constraints and the samples improve.",
     ["Generative Adversarial Networks", "GAN", "Deep Learning"]),
    ("Mode collapse in adversarial generators",
     "A GAN often collapses to a few modes; we add a diversity term to the generator loss.",
     ["generative adversarial networks", "mode collapse", "deep learning"]),
    ("Conditional generators for faces",
     "A conditional GAN generates faces; the discriminator sees the attribute labels.",
     ["GANs", "Image Generation", "Deep Learning"]),
    ("Exploration bonuses for sparse rewards",
     "An agent explores with a count-based bonus; the policy reaches sparse rewards sooner.",
     ["Reinforcement Learning", "Exploration", "Deep Learning"]),
    ("Off-policy critics with fewer samples",
     "We learn a critic from replayed transitions and update the policy of a Bayesian agent.",
     ["reinforcement learning", "Bayesian Inference", "deep learning"]),
    ("Hierarchical policies for long tasks",
     "A high-level policy picks options; the agent solves long tasks with reward shaping.",
     ["Reinforcement Learning", "Hierarchical Reinforcement Learning", "Deep Learning"]),
]  # fmt: skip


def test_a_collection_with_authors_keywords_is_named_in_their_words() -> None:
    papers = with_keywords(CONFERENCE)
    drafts = {d.members[0] // 3: d for d in suggest(papers, 2)}
    gans, rl = drafts[0], drafts[1]
    # The authors' keyword, written as the abstracts write it (not Title Case); "GAN" is
    # another spelling of it, not a second idea, and "Deep Learning", on every paper, names
    # neither cluster.
    assert gans.name == "Generative adversarial networks", gans.name
    assert rl.name == "Reinforcement learning", rl.name
    assert all("deep learning" not in d.name.lower() for d in drafts.values())
    # The name's phrase is one of the topic's keywords, so the draft assigns by it.
    assert ("generative adversarial networks", 4) in gans.keywords
    taxonomy = parse_taxonomy(draft_yaml(papers, tuple(drafts.values())), Path("draft.yaml"))
    site = assign(papers, taxonomy, 1)
    assert [p.topics for p in site.papers] == [(gans.name,)] * 3 + [(rl.name,)] * 3


def test_an_authors_keyword_no_taxonomy_can_hold_names_nothing() -> None:
    # "C++" and "$\alpha$-divergence" are no keyword phrase, nor is 300 characters of junk; a
    # bracketed abbreviation is dropped from the phrase ("Markov decision process (MDP)").
    rows = [
        (t, a, [*k[:1], "C++", "$\\alpha$-divergence", "Markov Decision Process (MDP)"])
        for t, a, k in CONFERENCE[3:]
    ]
    rows += [(t, a, ["C++", "$\\alpha$-divergence", "x" * 300]) for t, a, _k in CONFERENCE[:3]]
    papers = with_keywords(rows)
    drafts = suggest(papers, 2)
    names = sorted(d.name for d in drafts)
    assert "Markov decision process and reinforcement learning" in names, names
    assert not any("+" in n or "$" in n or "xxx" in n for n in names), names
    parse_taxonomy(draft_yaml(papers, drafts), Path("draft.yaml"))  # loads: no bad phrase


def test_a_bibtex_library_with_keywords_gets_a_draft_named_by_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # End to end, as a user would: a Zotero export with keywords, ingested, then drafted.
    (tmp_path / "site.yaml").write_text("title: Reading group\n")
    entries = [
        f"@article{{paper{i},\n  title = {{{title}}},\n  author = {{Doe, Jane}},\n"
        f"  year = {{2024}},\n  abstract = {{{abstract}}},\n"
        f"  keywords = {{{', '.join(keywords)}}}\n}}\n"
        for i, (title, abstract, keywords) in enumerate(CONFERENCE)
    ]
    library = tmp_path / "library.bib"
    library.write_text("% Exported from Zotero\n\n" + "\n".join(entries))
    assert main(["--site", str(tmp_path), "ingest", "-q", str(library)]) == 0
    out = tmp_path / "draft.yaml"
    args = ["--site", str(tmp_path), "topics", "suggest", "--topics", "2", "--output", str(out)]
    assert main(args) == 0
    names = {t.name for t in parse_taxonomy(out.read_text(), out).topics}
    assert names == {"Generative adversarial networks", "Reinforcement learning"}, names


# A second subject for the small collections below, so each has two clusters to tell apart.
CORAL_REEFS = [
    ("Coral reef bleaching", "Coral reefs bleach in marine heatwaves; reef recovery."),
    ("Reef fish diversity", "Fish diversity on coral reefs after bleaching."),
    ("Coral spawning cycles", "Spawning of coral on reefs and larval settlement."),
]


def test_a_name_starts_from_what_the_clusters_titles_share() -> None:
    # "exact" fills the abstracts, but the titles say what the papers are: lattice Boltzmann
    # methods. The words "mixture experts" are counted without their "of", and shown with it.
    texts = [
        ("Lattice Boltzmann simulation of porous media",
         "We give exact exact solutions of the lattice Boltzmann scheme; exact moments of the"
         " flow through porous rock are matched."),
        ("A lattice Boltzmann scheme for thermal flows",
         "Exact conservation holds; the exact scheme recovers heat flow in channels."),
        ("Lattice Boltzmann models of droplets",
         "An exact treatment of droplets in flow; exact contact angles."),
        ("Mixture of experts for speech recognition",
         "A mixture of experts routes speech frames; each expert in the mixture of experts is"
         " small."),
        ("Sparse mixture of experts language models",
         "Routing tokens in a sparse mixture of experts; experts specialise."),
        ("Load balancing a mixture of experts",
         "Balancing the load of experts in a mixture of experts layer."),
    ]  # fmt: skip
    papers = from_texts(texts)
    drafts = sorted(suggest(papers, 2), key=lambda d: d.name)
    names = [d.name for d in drafts]
    assert names[0].startswith("Lattice Boltzmann and "), names
    assert names[1].startswith("Mixture of experts"), names
    # In the description, mid sentence, the name is written as the abstracts write it.
    assert 'description: "Papers about lattice Boltzmann and ' in draft_yaml(papers, drafts)


def test_a_title_s_capitals_are_not_the_name_s() -> None:
    # Titles write "Time Series", more often than the abstracts write "time series" mid
    # sentence; the name says it as a sentence would.
    texts = [
        ("Forecasting Time Series with Transformers",
         "Transformers forecast the time series of electricity load over long horizons."),
        ("Anomalies in Multivariate Time Series",
         "Detecting anomalies in readings of many sensors at once."),
        ("Imputing Irregular Time Series",
         "Missing values in irregular time series are imputed from their neighbours."),
        ("Time Series Classification Benchmarks",
         "Classifying sensor recordings: a benchmark of forty collections."),
        ("Coral Reef Bleaching", "Coral reefs bleach in marine heatwaves; reef recovery."),
        ("Reef Fish Diversity", "Fish diversity on coral reefs after bleaching."),
        ("Coral Spawning Cycles", "Spawning of coral on reefs and larval settlement."),
    ]  # fmt: skip
    names = [d.name for d in suggest(from_texts(texts), 2)]
    assert any(n.startswith("Time series") for n in names), names
    assert not any("Series" in n for n in names), names


def test_a_hyphenated_word_s_first_part_is_no_shared_idea() -> None:
    # Three titles start "Near-field", "Near-infrared", "Near-unity": they share no idea
    # "near"; the name says what they are about.
    texts = [
        ("Near-field imaging of plasmonic antennas",
         "Plasmonic antennas imaged with a scanning probe; plasmonic hot spots."),
        ("Near-infrared plasmonic sensors",
         "Plasmonic sensors read out at long wavelengths; plasmonic resonance shifts."),
        ("Near-unity absorption in plasmonic films",
         "Thin plasmonic films absorb nearly all light; plasmonic losses."),
        *CORAL_REEFS,
    ]  # fmt: skip
    names = [d.name for d in suggest(from_texts(texts), 2)]
    assert not any(re.search(r"\bnear\b(?!-)", n, re.IGNORECASE) for n in names), names
    assert any("lasmonic" in n for n in names), names


def test_a_description_keeps_a_name_s_proper_capital() -> None:
    texts = [
        ("Bayesian optimisation of catalysts", "We tune catalysts with a Bayesian surrogate."),
        ("Bayesian calibration of climate codes", "A Bayesian posterior over climate parameters."),
        ("Bayesian design of trials", "Trials are designed with Bayesian decision rules."),
        *CORAL_REEFS,
    ]
    papers = from_texts(texts)
    drafts = suggest(papers, 2)
    assert any(d.name.startswith("Bayesian") for d in drafts), [d.name for d in drafts]
    text = draft_yaml(papers, drafts)
    assert 'description: "Papers about Bayesian' in text, text


def test_a_two_word_idea_the_papers_always_continue_is_said_in_full() -> None:
    # Terms are counted up to two words, so "recurrent neural" is a term; the papers always
    # write "recurrent neural network(s)", and the name says so.
    texts = [
        ("Recurrent neural networks for speech",
         "Recurrent neural networks model speech frames; a recurrent neural network is small."),
        ("Training recurrent neural networks stably",
         "Gradients of recurrent neural networks explode; we clip them."),
        ("Recurrent neural network language models",
         "A recurrent neural network predicts the next word of a sentence."),
        ("Coral reef bleaching", "Coral reefs bleach in marine heatwaves; reef recovery."),
        ("Reef fish diversity", "Fish diversity on coral reefs after bleaching."),
        ("Coral spawning cycles", "Spawning of coral on reefs and larval settlement."),
    ]  # fmt: skip
    names = [d.name for d in suggest(from_texts(texts), 2)]
    rnn = next(n for n in names if n.lower().startswith("recurrent"))
    assert rnn.startswith("Recurrent neural network"), names
