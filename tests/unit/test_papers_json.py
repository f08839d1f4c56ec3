"""outputs/papers_json.py: the collection as JSON, keys in the documented order."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

from site_builder.build import render_site
from site_builder.config import load_config
from site_builder.model import Link, Paper, Site, Topic

PAPER_KEYS = ["slug", "title", "url", "date", "topics", "authors", "links", "related"]


def site() -> Site:
    papers = (
        Paper(
            slug="newer",
            title="</script><b>Newer</b> & co",
            date=dt.date(2024, 3, 12),
            abstract="A.",
            authors=("Ann Lee", "Bo Chen"),
            topics=("Music and audio",),
            links=(Link("https://github.com/x/y", "code"), Link("https://x.org/", "project")),
        ),
        Paper(slug="older", title="Older", date=dt.date(2024, 3, 11), abstract="B."),
    )
    topic = Topic(slug="music-and-audio", name="Music and audio", paper_slugs=("newer",))
    return Site(papers=papers, topics=(topic,), related={"newer": ("older",), "older": ()})


def produce(tmp_path: Path, s: Site, site_yaml: str = "") -> tuple[dict, str]:
    (tmp_path / "site.yaml").write_text(site_yaml, encoding="utf-8")
    config = load_config(tmp_path)
    path, data = "papers.json", render_site(config, s)["papers.json"]
    assert path == "papers.json"
    text = data.decode("utf-8")
    return json.loads(text), text


def test_every_paper_newest_first_with_keys_in_order(tmp_path: Path) -> None:
    doc, _ = produce(tmp_path, site())
    assert list(doc) == ["generated", "papers"]
    assert [p["slug"] for p in doc["papers"]] == ["newer", "older"]
    first = doc["papers"][0]
    assert list(first) == PAPER_KEYS
    assert first == {
        "slug": "newer",
        "title": "</script><b>Newer</b> & co",
        "url": "/papers/newer/",
        "date": "2024-03-12",
        "topics": ["Music and audio"],
        "authors": ["Ann Lee", "Bo Chen"],
        "links": [
            {"url": "https://github.com/x/y", "kind": "code"},
            {"url": "https://x.org/", "kind": "project"},
        ],
        "related": ["older"],
    }
    assert doc["papers"][1]["related"] == []
    assert list(doc["papers"][0]["links"][0]) == ["url", "kind"]


def test_generated_block_describes_the_site(tmp_path: Path) -> None:
    doc, _ = produce(tmp_path, site(), "title: Lab papers\n")
    assert doc["generated"] == {
        "generator": "site-builder",
        "version": doc["generated"]["version"],
        "schema_version": 1,
        "site_title": "Lab papers",
        "site_url": "/",
        "paper_count": 2,
    }


def test_urls_are_absolute_when_the_site_url_is_known(tmp_path: Path) -> None:
    doc, _ = produce(tmp_path, site(), "base_url: https://u.github.io/repo/\n")
    assert doc["papers"][0]["url"] == "https://u.github.io/repo/papers/newer/"
    assert doc["generated"]["site_url"] == "https://u.github.io/repo/"


def test_under_a_bare_base_path_urls_are_base_absolute(tmp_path: Path) -> None:
    doc, _ = produce(tmp_path, site(), "base_url: /repo/\n")
    assert doc["papers"][1]["url"] == "/repo/papers/older/"


def test_markup_characters_are_escaped_but_decode_to_the_title(tmp_path: Path) -> None:
    doc, text = produce(tmp_path, site())
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text
    assert doc["papers"][0]["title"] == "</script><b>Newer</b> & co"


def test_related_is_empty_when_not_computed(tmp_path: Path) -> None:
    doc, _ = produce(tmp_path, replace(site(), related={}))
    assert [p["related"] for p in doc["papers"]] == [[], []]


def test_same_content_gives_the_same_bytes(tmp_path: Path) -> None:
    assert produce(tmp_path, site())[1] == produce(tmp_path, site())[1]
