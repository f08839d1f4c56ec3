"""urls.py: every link knows the base path; every output path stays inside the site."""

from __future__ import annotations

import pytest

from site_builder import urls
from site_builder.urls import Urls, output_file

ROOT = Urls(base_path="/", base_url="")
REPO = Urls(base_path="/repo/", base_url="https://u.github.io/repo/")


def test_site_relative_paths() -> None:
    assert urls.home() == ""
    assert urls.home(1) == ""
    assert urls.home(2) == "page/2/"
    assert urls.paper("attention") == "papers/attention/"
    assert urls.topics_index() == "topics/"
    assert urls.topic("diffusion-models") == "topics/diffusion-models/"
    assert urls.topic("diffusion-models", 3) == "topics/diffusion-models/page/3/"


@pytest.mark.parametrize(
    ("u", "rel", "expected"),
    [
        (ROOT, "", "/"),
        (ROOT, "papers/x/", "/papers/x/"),
        (REPO, "", "/repo/"),
        (REPO, "papers/x/", "/repo/papers/x/"),
        (REPO, "/papers/x/", "/repo/papers/x/"),
        (REPO, "static/style.abc.css", "/repo/static/style.abc.css"),
    ],
)
def test_links_are_base_absolute(u: Urls, rel: str, expected: str) -> None:
    assert u.path(rel) == expected


def test_absolute_urls_need_the_site_url() -> None:
    assert REPO.absolute("papers/x/") == "https://u.github.io/repo/papers/x/"
    assert REPO.absolute("") == "https://u.github.io/repo/"
    assert ROOT.absolute("papers/x/") == "/papers/x/"  # no site URL configured: base-absolute
    assert Urls("/repo/", "/repo/").absolute("feed.xml") == "/repo/feed.xml"


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("", "index.html"),
        ("papers/x/", "papers/x/index.html"),
        ("page/2/", "page/2/index.html"),
        ("404.html", "404.html"),
        ("static/style.css", "static/style.css"),
        ("papers/./x/", "papers/x/index.html"),
    ],
)
def test_output_file_for_pretty_urls(rel: str, expected: str) -> None:
    assert output_file(rel) == expected


@pytest.mark.parametrize(
    "rel",
    ["..", "../", "../x/", "../../etc/passwd", "papers/../../x/", "/abs/", "/etc/passwd", "a\\b/"],
)
def test_output_file_refuses_to_leave_the_site(rel: str) -> None:
    with pytest.raises(ValueError, match="escapes"):
        output_file(rel)
