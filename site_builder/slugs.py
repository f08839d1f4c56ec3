"""Slugs: stable, path-safe, length-capped names for files and URLs."""

from __future__ import annotations

import re

from slugify import slugify

MAX_SLUG = 80
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Names Windows refuses as files; a site cloned there must still check out.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def make_slug(text: str, fallback: str = "paper") -> str:
    """The slug for a title: lowercase ASCII words joined by '-', at most MAX_SLUG characters."""
    slug = slugify(text, max_length=MAX_SLUG, word_boundary=True, save_order=True)
    if not slug:
        slug = fallback
    if slug in _RESERVED:
        slug = f"{slug}-{fallback}"
    return slug


def is_valid_slug(slug: str) -> bool:
    return len(slug) <= MAX_SLUG + 10 and SLUG_RE.fullmatch(slug) is not None


def with_suffix(slug: str, n: int) -> str:
    """The n-th alternative for a slug that is taken: 'x-2', 'x-3', ... within the length cap."""
    suffix = f"-{n}"
    return slug[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
