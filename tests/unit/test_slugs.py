"""slugs.py: stable, path-safe, length-capped names for content files and URLs."""

from __future__ import annotations

import pytest

from site_builder.slugs import MAX_SLUG, SLUG_RE, is_valid_slug, make_slug, with_suffix

HOSTILE_TITLES = [
    "../../etc/passwd",
    "/abs",
    "/",
    "..",
    "C:\\Windows\\system32",
    "CON",
    "nul",
    "Com1",
    "LPT9",
    "🎵🎶✨",
    "注意力就是你所需要的",
    "<script>alert(1)</script>",
    "a\x00b",
    "   ",
    "",
    "-- --",
    "x" * 500,
]
WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{d}{i}" for d in ("com", "lpt") for i in range(10)
}


def assert_path_safe(slug: str) -> None:
    assert SLUG_RE.fullmatch(slug), slug
    assert 0 < len(slug) <= MAX_SLUG
    assert "/" not in slug and "\\" not in slug and ".." not in slug
    assert slug not in WINDOWS_RESERVED


def test_ordinary_title() -> None:
    assert make_slug("Attention Is All You Need") == "attention-is-all-you-need"


def test_punctuation_and_accents() -> None:
    assert make_slug("Café: Déjà-vu, Again!") == "cafe-deja-vu-again"
    assert (
        make_slug("MIMO Is All You Need : A Strong Baseline")
        == "mimo-is-all-you-need-a-strong-baseline"
    )


def test_slug_is_stable() -> None:
    title = "Neural Network-Based Score Estimation in Diffusion Models"
    assert {make_slug(title) for _ in range(5)} == {make_slug(title)}
    assert make_slug(title) == "neural-network-based-score-estimation-in-diffusion-models"


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_give_path_safe_slugs(title: str) -> None:
    slug = make_slug(title)
    assert_path_safe(slug)
    assert is_valid_slug(slug)


def test_traversal_title_keeps_only_words() -> None:
    assert make_slug("../../etc/passwd") == "etc-passwd"
    assert make_slug("/abs") == "abs"


@pytest.mark.parametrize("name", ["CON", "con", "Nul", "AUX", "prn", "COM1", "lpt3"])
def test_windows_reserved_names_are_avoided(name: str) -> None:
    slug = make_slug(name)
    assert slug != name.lower()
    assert slug.startswith(name.lower() + "-")


def test_emoji_only_title_falls_back() -> None:
    assert make_slug("🎵🎶✨") == "paper"
    assert make_slug("🎵🎶✨", fallback="topic") == "topic"


def test_cjk_title_is_transliterated() -> None:
    slug = make_slug("注意力就是你所需要的")
    assert slug.isascii() and len(slug) > 5
    assert slug == make_slug("注意力就是你所需要的")


def test_length_is_capped_at_a_word_boundary() -> None:
    title = " ".join(["diffusion"] * 30)
    slug = make_slug(title)
    assert len(slug) <= MAX_SLUG
    assert slug.endswith("diffusion")  # no word cut in half
    assert not slug.endswith("-")


def test_one_very_long_word_is_cut_to_the_cap() -> None:
    assert make_slug("a" * 300) == "a" * MAX_SLUG


def test_two_long_titles_differing_at_the_end_share_a_prefix() -> None:
    stem = " ".join(["word"] * 30)
    assert make_slug(stem + " one") == make_slug(stem + " two")  # so ingest needs suffixes


# --- suffixes ---------------------------------------------------------------------------------


def test_suffix_on_a_short_slug() -> None:
    assert with_suffix("attention", 2) == "attention-2"
    assert with_suffix("attention", 13) == "attention-13"


@pytest.mark.parametrize("n", [2, 9, 10, 99, 100, 12345])
def test_suffix_stays_within_the_cap(n: int) -> None:
    base = make_slug(" ".join(["diffusion"] * 30))
    slug = with_suffix(base, n)
    assert len(slug) <= MAX_SLUG
    assert slug.endswith(f"-{n}")
    assert is_valid_slug(slug)
    assert "--" not in slug


def test_suffix_on_a_slug_at_the_cap() -> None:
    slug = with_suffix("a" * MAX_SLUG, 2)
    assert slug == "a" * (MAX_SLUG - 2) + "-2"


def test_suffixes_are_distinct() -> None:
    base = "a" * MAX_SLUG
    assert len({with_suffix(base, n) for n in range(2, 200)}) == 198


# --- validity (for slugs written by hand in front matter) -------------------------------------


@pytest.mark.parametrize("slug", ["a", "attention-is-all-you-need", "gpt-4", "x-2"])
def test_valid_slugs(slug: str) -> None:
    assert is_valid_slug(slug)


@pytest.mark.parametrize(
    "slug",
    ["", "../x", "a/b", "A", "a b", "-a", "a-", "a--b", "a_b", "é", "a.html", "x" * 200],
)
def test_invalid_slugs(slug: str) -> None:
    assert not is_valid_slug(slug)
