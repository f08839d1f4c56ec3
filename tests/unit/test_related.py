"""enrich/related.py: the most similar papers by TF-IDF, deterministic, and memory-bounded."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import replace

import pytest

from site_builder.enrich import related
from site_builder.enrich.related import related_papers
from site_builder.model import Paper


def paper(slug: str, title: str, abstract: str) -> Paper:
    return Paper(slug=slug, title=title, date=dt.date(2024, 3, 11), abstract=abstract)


MUSIC = [
    paper(
        "musicgen",
        "Text-to-music generation with a single transformer",
        "We generate music from text descriptions. The music language model produces melody, "
        "rhythm and instruments for long music pieces, conditioned on a text prompt.",
    ),
    paper(
        "symbolic-music",
        "Symbolic music generation from chords",
        "A model writes symbolic music (MIDI) with melody and harmony that follow given chords; "
        "listeners rate the generated music as more musical.",
    ),
    paper(
        "music-editing",
        "Editing music with instructions",
        "Music editing: add or remove instruments and change the melody of a music clip by a "
        "text instruction, keeping the rest of the music unchanged.",
    ),
]
RL = [
    paper(
        "reward-shaping",
        "Reward shaping for sparse-reward reinforcement learning",
        "An agent explores with a shaped reward; the policy learns faster in reinforcement "
        "learning environments where the reward is sparse.",
    ),
    paper(
        "offline-rl",
        "Offline reinforcement learning with value regularisation",
        "The policy and value function are learned from a fixed dataset; regularising the value "
        "keeps the agent's policy close to the data in reinforcement learning benchmarks.",
    ),
    paper(
        "policy-gradient",
        "Variance reduction for policy gradient agents",
        "Policy gradient reinforcement learning suffers from variance; a learned baseline "
        "reduces it and the agent reaches a higher reward.",
    ),
]
DIFFUSION = [
    paper(
        "fast-sampling",
        "Fast sampling for diffusion models",
        "Diffusion models denoise step by step; we cut the number of denoising steps of the "
        "sampler while keeping image quality of the diffusion model.",
    ),
    paper(
        "score-sde",
        "Score-based diffusion with stochastic differential equations",
        "A score network estimates the gradient of the data density; the diffusion process "
        "reverses noise into images by solving a stochastic differential equation.",
    ),
]
COLLECTION = MUSIC + RL + DIFFUSION


def slugs(group: list[Paper]) -> set[str]:
    return {p.slug for p in group}


def test_papers_on_one_subject_are_each_others_neighbours() -> None:
    result = related_papers(COLLECTION, 2)
    for group in (MUSIC, RL):
        for p in group:
            assert set(result[p.slug]) == slugs(group) - {p.slug}, p.slug
    assert result["fast-sampling"][0] == "score-sde"
    assert result["score-sde"][0] == "fast-sampling"


def test_every_paper_gets_count_others_and_never_itself() -> None:
    result = related_papers(COLLECTION, 5)
    assert set(result) == slugs(COLLECTION)
    for slug, picks in result.items():
        assert slug not in picks
        assert len(picks) == len(set(picks)) <= 5


def test_count_zero_or_a_single_paper_gives_no_related() -> None:
    assert related_papers(COLLECTION, 0) == {p.slug: () for p in COLLECTION}
    assert related_papers(MUSIC[:1], 5) == {"musicgen": ()}
    assert related_papers([], 5) == {}


def test_a_paper_sharing_no_word_with_any_other_has_none() -> None:
    loner = paper("loner", "Quokka zymurgy", "Xylophones juggle quinces.")
    result = related_papers([*COLLECTION, loner], 5)
    assert result["loner"] == ()
    assert all("loner" not in picks for picks in result.values())


def test_papers_of_stop_words_only_do_not_fail() -> None:
    empty = [paper("a", "The", "It is what it is."), paper("b", "And", "Of the.")]
    assert related_papers(empty, 3) == {"a": (), "b": ()}


def test_a_paper_without_words_among_others_has_none() -> None:
    wordless = paper("zzz-last", "2024", "12 34 56.")  # last in slug order: an empty last row
    result = related_papers([*COLLECTION, wordless], 3)
    assert result["zzz-last"] == ()
    assert {s: r for s, r in result.items() if s != "zzz-last"} == related_papers(COLLECTION, 3)


def test_ties_are_broken_by_slug_whatever_the_input_order() -> None:
    same = "Graph neural networks for molecules. Message passing over atoms and bonds."
    twins = [paper(s, "Molecular graphs", same) for s in ("delta", "alpha", "charlie", "bravo")]
    for _ in range(3):
        random.Random(_).shuffle(twins)
        result = related_papers(twins, 2)
        assert result["delta"] == ("alpha", "bravo")
        assert result["alpha"] == ("bravo", "charlie")


def test_result_does_not_depend_on_input_order() -> None:
    shuffled = list(COLLECTION)
    random.Random(7).shuffle(shuffled)
    assert related_papers(shuffled, 3) == related_papers(COLLECTION, 3)


def test_the_title_counts_more_than_the_abstract() -> None:
    query = paper("query", "Protein folding", "We study a new method for structure prediction.")
    by_title = paper("by-title", "Protein folding at scale", "Large models on many machines.")
    by_abstract = paper("by-abstract", "Large models", "Protein folding appears once here.")
    assert related_papers([query, by_title, by_abstract], 1)["query"] == ("by-title",)


def test_urls_in_abstracts_do_not_make_papers_similar() -> None:
    a = paper("a", "Bird song", "Bird song recordings. Code: https://github.com/lab/birds")
    b = paper("b", "Galaxy shapes", "Galaxy images. Code: https://github.com/lab/galaxies")
    assert related_papers([a, b], 1) == {"a": (), "b": ()}


def clustered(n_topics: int, per_topic: int, seed: int) -> list[Paper]:
    """Papers drawn from disjoint made-up vocabularies: the true neighbours are known."""
    rng = random.Random(seed)
    papers = []
    for t in range(n_topics):
        words = [f"w{t}x{k}" for k in range(40)]
        for i in range(per_topic):
            title = " ".join(rng.sample(words, 4))
            papers.append(paper(f"t{t:02d}-p{i:02d}", title, " ".join(rng.choices(words, k=60))))
    return papers


def test_large_collection_path_finds_the_same_subjects(monkeypatch: pytest.MonkeyPatch) -> None:
    # Above EXACT_LIMIT candidates come from each paper's strongest terms, then are re-scored
    # exactly. Force that path on a small collection and compare with the exact one.
    papers = clustered(n_topics=12, per_topic=8, seed=3)
    exact = related_papers(papers, 5)
    monkeypatch.setattr(related, "EXACT_LIMIT", 0)
    monkeypatch.setattr(related, "TERMS_PER_PAPER", 12)
    approx = related_papers(papers, 5)
    for slug, picks in approx.items():
        assert len(picks) == 5
        assert all(p.split("-")[0] == slug.split("-")[0] for p in picks), (slug, picks)
    overlap = sum(len(set(exact[s]) & set(approx[s])) for s in exact) / (5 * len(exact))
    assert overlap >= 0.9


def test_rescored_similarity_is_the_exact_cosine() -> None:
    papers = clustered(n_topics=3, per_topic=5, seed=1)
    matrix = related.term_matrix(papers)
    picks = [related.np.array([1, 2, 7]), related.np.array([0])]
    scratch = related.np.zeros(matrix.shape[1], dtype=matrix.dtype)
    scores = related._rescore(matrix, 0, picks, scratch)
    dense = (matrix @ matrix.T).toarray()
    assert scores[0] == pytest.approx(dense[0, [1, 2, 7]], rel=1e-5)
    assert scores[1] == pytest.approx(dense[1, [0]], rel=1e-5)
    assert not scratch.any()  # left clean for the next row


@pytest.mark.parametrize("exact_limit", [10_000, 0], ids=["exact", "candidates"])
def test_small_blocks_give_the_same_result(monkeypatch: pytest.MonkeyPatch, exact_limit) -> None:
    # Memory is bounded by computing a block of rows at a time; block size must not matter.
    papers = clustered(n_topics=5, per_topic=6, seed=2)
    monkeypatch.setattr(related, "EXACT_LIMIT", exact_limit)
    whole = related_papers(papers, 4)
    monkeypatch.setattr(related, "BLOCK_BUDGET", 1)  # one row per block
    assert related_papers(papers, 4) == whole


def test_blocks_cover_every_row_once_within_the_budget(monkeypatch) -> None:
    papers = clustered(n_topics=4, per_topic=10, seed=5)
    matrix = related.term_matrix(papers)
    monkeypatch.setattr(related, "BLOCK_BUDGET", 200)
    blocks = list(related._blocks(matrix, matrix.T.tocsr()))
    assert blocks[0][0] == 0 and blocks[-1][1] == len(papers)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(blocks))
    assert len(blocks) > 1


def test_strongest_terms_keeps_the_highest_weights_per_row() -> None:
    papers = clustered(n_topics=2, per_topic=3, seed=4)
    matrix = related.term_matrix(papers)
    cut = related.strongest_terms(matrix, 3)
    for row in range(matrix.shape[0]):
        full = sorted(matrix.getrow(row).data, reverse=True)
        kept = sorted(cut.getrow(row).data, reverse=True)
        assert kept == pytest.approx(full[:3])


def test_a_shared_topic_decides_between_papers_the_text_finds_alike() -> None:
    # Two candidates share the same words with the query; the one on the query's topic wins,
    # whichever slug sorts first.
    words = "sparse attention kernels for long sequences"
    query = replace(paper("q", words, words), topics=("Efficiency",))
    on_topic = replace(paper("b-on", words, words + " quickly"), topics=("Efficiency",))
    off_topic = replace(paper("a-off", words, words + " quickly"), topics=("Music",))
    assert related_papers([query, on_topic, off_topic], 1)["q"] == ("b-on",)
    # Without the topic term the tie goes to slug order.
    assert related_papers([query, on_topic, off_topic], 1, topic_weight=0)["q"] == ("a-off",)


def test_the_fallback_topic_links_nothing() -> None:
    # "No topic fits" is not a subject two papers share: ignored, it cannot make a neighbour.
    a = replace(paper("a", "quantum dots", "emission of quantum dots"), topics=("Other",))
    b = replace(paper("b", "coral reefs", "bleaching of coral reefs"), topics=("Other",))
    assert related_papers([a, b], 1, ignore_topics=("other",)) == {"a": (), "b": ()}
    assert related_papers([a, b], 1) == {"a": ("b",), "b": ("a",)}


def test_topics_count_on_the_large_collection_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # Above EXACT_LIMIT, topics re-rank the candidates the text finds but do not add any.
    papers = clustered(n_topics=4, per_topic=6, seed=5)
    papers = [replace(p, topics=(p.slug[:3],)) for p in papers]
    monkeypatch.setattr(related, "EXACT_LIMIT", 0)
    result = related_papers(papers, 3)
    for slug, picks in result.items():
        assert all(p[:3] == slug[:3] for p in picks), (slug, picks)


def test_how_strongly_papers_are_about_their_topics_decides_between_alike_texts() -> None:
    # Same words, same topic names: the candidate whose profile leans the way the query's does
    # (mostly alignment, a little RL) comes first, whichever slug sorts first.
    words = "policy optimisation from preference data"
    mostly = (("Alignment", 0.9), ("Reinforcement learning", 0.4))
    query = replace(paper("q", words, words), topics=("Alignment",), topic_weights=mostly)
    alike = replace(paper("b-alike", words, words + " again"), topic_weights=mostly)
    flipped = replace(
        paper("a-flipped", words, words + " again"),
        topic_weights=(("Reinforcement learning", 0.9), ("Alignment", 0.4)),
    )
    assert related_papers([query, alike, flipped], 1)["q"] == ("b-alike",)
    assert related_papers([query, alike, flipped], 1, topic_weight=0)["q"] == ("a-flipped",)


def test_topics_named_by_hand_meet_profiles_on_the_same_columns() -> None:
    # A paper whose file names its topics has no profile: its topics count equally, and match
    # the taxonomy's profile of another paper by name, in any case.
    words = "graph message passing"
    by_hand = replace(paper("q", words, words), topics=("graph neural networks",))
    profiled = replace(
        paper("b-graph", words, words + " again"),
        topics=("Graph neural networks",),
        topic_weights=(("Graph neural networks", 1.0),),
    )
    other = replace(
        paper("a-other", words, words + " again"),
        topics=("Music",),
        topic_weights=(("Music", 1.0),),
    )
    assert related_papers([by_hand, profiled, other], 1)["q"] == ("b-graph",)
    rows = related.topic_matrix([by_hand, profiled, other], weight=1.0).toarray()
    assert rows[0] @ rows[1] == pytest.approx(1.0)
    assert rows[0] @ rows[2] == 0


def test_topics_count_less_in_a_collection_the_taxonomy_hardly_fits() -> None:
    # Two papers share a topic by accident, as galaxy clusters get "Clustering" from a
    # machine-learning taxonomy; the text says the third paper is the closer one.
    words = "spectra of galaxy clusters observed with radio telescopes"
    query = replace(paper("q", words, words), topic_weights=(("Clustering", 1.0),))
    accident = replace(
        paper("a-acc", "galaxy clusters", "galaxy clusters in optical surveys"),
        topic_weights=(("Clustering", 1.0),),
    )
    closer = paper("b-text", "radio telescopes", "spectra observed with radio telescopes")
    unfit = [
        replace(
            paper(f"z{i}", f"stellar winds {i}", "stellar winds of hot stars"), topics=("Other",)
        )
        for i in range(6)
    ]
    fits = [replace(p, topics=("Clustering",)) for p in (query, accident)]
    # Two papers of nine fit: the accident counts 0.22^8 as much and the text decides.
    assert related.taxonomy_fit([*fits, closer, *unfit], ("other",)) == 0.22
    assert related_papers([*fits, closer, *unfit], 1, ignore_topics=("other",))["q"] == ("b-text",)
    # Where every paper fits, the shared topic wins.
    fitted = [*fits, replace(closer, topics=("Stars",))]
    assert related.taxonomy_fit(fitted) == 1.0
    assert related_papers(fitted, 1)["q"] == ("a-acc",)
