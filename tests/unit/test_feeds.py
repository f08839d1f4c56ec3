"""outputs/feeds.py: Atom feeds for the site and each topic, read back as a feed reader would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
from bs4 import BeautifulSoup

from site_builder.build import render_site
from site_builder.config import Config, load_config
from site_builder.model import Link, Paper, Site, Topic

BASE = "https://user.github.io/repo/"
HOSTILE = "</title><script>alert(1)</script> & <b>bold</b>\x0b\x00 claims"


def config(tmp_path: Path, **overrides: object) -> Config:
    return load_config(tmp_path, {"base_url": BASE, **overrides})


def site(n: int = 3, title: str = "Paper {i}", **kw: object) -> Site:
    papers = tuple(
        Paper(
            slug=f"p{i}",
            title=title.format(i=i),
            date=dt.date(2024, 1, 1) + dt.timedelta(days=100 - i),
            abstract=f"Abstract *{i}* with <b>raw</b> & a link https://example.org/{i}.",
            topics=("RL",),
            **kw,  # type: ignore[arg-type]
        )
        for i in range(1, n + 1)
    )
    rl = Topic(slug="rl", name="RL", description="Reinforcement learning",
               paper_slugs=tuple(p.slug for p in papers))  # fmt: skip
    return Site(papers=papers, topics=(rl,))


def feeds_of(cfg: Config, s: Site) -> dict[str, bytes]:
    return {rel: data for rel, data in render_site(cfg, s).items() if rel.endswith("feed.xml")}


def pages_of(cfg: Config, s: Site) -> dict[str, str]:
    pages = render_site(cfg, s)
    return {rel: data.decode() for rel, data in pages.items() if rel.endswith(".html")}


def test_site_and_topic_feeds_parse_cleanly_with_absolute_links(tmp_path: Path) -> None:
    out = feeds_of(config(tmp_path, title="Lab"), site())
    assert set(out) == {"feed.xml", "topics/rl/feed.xml"}
    for path, data in out.items():
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
        assert [e.title for e in parsed.entries] == ["Paper 1", "Paper 2", "Paper 3"]
        assert [x.href for x in parsed.feed.links if x.rel == "self"] == [BASE + path]
        for e in parsed.entries:
            assert e.link.startswith(BASE + "papers/p") and e.link.endswith("/")
            assert e.updated.startswith("2024-04-")
    topic = feedparser.parse(out["topics/rl/feed.xml"])
    assert topic.feed.title == "RL · Lab"
    assert topic.feed.link == BASE + "topics/rl/"


def test_entries_carry_date_summary_html_content_authors_and_topics(tmp_path: Path) -> None:
    s = site(1, authors=("Ada Lovelace", "Alan Turing"))
    parsed = feedparser.parse(feeds_of(config(tmp_path), s)["feed.xml"])
    entry = parsed.entries[0]
    assert entry.published == "2024-04-09T00:00:00Z"
    assert [a.name for a in entry.authors] == ["Ada Lovelace", "Alan Turing"]
    assert [(t.term, t.label) for t in entry.tags] == [("rl", "RL")]
    assert entry.summary.startswith("Abstract 1 with")
    html = entry.content[0]
    assert html.type == "text/html"
    assert "<em>1</em>" in html.value  # the abstract's Markdown, as HTML
    assert "&lt;b&gt;raw&lt;/b&gt;" in html.value  # raw HTML stays text, as on the page
    assert '<a href="https://example.org/1"' in html.value


def test_feed_without_authors_names_the_site_instead(tmp_path: Path) -> None:
    data = feeds_of(config(tmp_path, title="Reading group", author=""), site(1))["feed.xml"]
    parsed = feedparser.parse(data)
    assert parsed.feed.author == "Reading group"  # Atom needs an author for every entry


def test_hostile_title_and_control_characters_cannot_break_the_xml(tmp_path: Path) -> None:
    data = feeds_of(config(tmp_path), site(1, title=HOSTILE))["feed.xml"]
    assert b"<script>" not in data and b"\x00" not in data and b"\x0b" not in data
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    # The title is plain text (type="text"), read back exactly, minus the forbidden characters.
    title = ET.fromstring(data).find("{http://www.w3.org/2005/Atom}entry/{*}title")
    assert title is not None and title.text == HOSTILE.replace("\x0b", "").replace("\x00", "")


def test_ids_stay_the_same_when_the_site_moves_path_or_scheme(tmp_path: Path) -> None:
    s = site()
    a = feedparser.parse(feeds_of(config(tmp_path, base_url=BASE), s)["feed.xml"])
    b_cfg = config(tmp_path, base_url="http://user.github.io/renamed/")
    b = feedparser.parse(feeds_of(b_cfg, s)["feed.xml"])
    ids_a = [e.id for e in a.entries]
    assert ids_a == [e.id for e in b.entries]
    assert [e.link for e in a.entries] != [e.link for e in b.entries]
    assert len(set(ids_a)) == 3
    assert ids_a[0] == "tag:user.github.io,2024-04-09:papers/p1"


def test_feeds_hold_the_newest_fifty_papers(tmp_path: Path) -> None:
    parsed = feedparser.parse(feeds_of(config(tmp_path), site(60))["feed.xml"])
    assert len(parsed.entries) == 50
    assert parsed.entries[0].title == "Paper 1" and parsed.entries[-1].title == "Paper 50"
    assert parsed.feed.updated == "2024-04-09T00:00:00Z"  # the newest paper


def test_empty_site_still_gets_a_valid_feed(tmp_path: Path) -> None:
    parsed = feedparser.parse(feeds_of(config(tmp_path), Site(papers=()))["feed.xml"])
    assert not parsed.bozo and parsed.entries == []


def test_no_feeds_without_a_full_base_url_or_when_switched_off(tmp_path: Path) -> None:
    assert feeds_of(config(tmp_path, base_url=""), site()) == {}
    assert feeds_of(config(tmp_path, base_url="/repo/"), site()) == {}
    assert feeds_of(config(tmp_path, feeds=False), site()) == {}
    assert set(feeds_of(config(tmp_path), site())) == {"feed.xml", "topics/rl/feed.xml"}


def test_pages_link_their_feeds_and_topic_pages_offer_a_subscribe_link(tmp_path: Path) -> None:
    pages = pages_of(config(tmp_path), site())
    for rel, html in pages.items():
        alternates = BeautifulSoup(html, "html.parser").find_all(
            "link", rel="alternate", type="application/atom+xml"
        )
        hrefs = [a["href"] for a in alternates]
        assert "/repo/feed.xml" in hrefs, rel
        if rel.startswith("topics/rl/"):
            assert hrefs[0] == "/repo/topics/rl/feed.xml"  # the topic's own feed first
    home = BeautifulSoup(pages["index.html"], "html.parser")
    assert home.select_one("a.subscribe")["href"] == "/repo/feed.xml"
    topic = BeautifulSoup(pages["topics/rl/index.html"], "html.parser")
    assert topic.select_one("a.subscribe")["href"] == "/repo/topics/rl/feed.xml"
    assert "Subscribe (Atom)" in topic.select_one("a.subscribe").get_text()


def test_no_feed_links_when_there_are_no_feeds(tmp_path: Path) -> None:
    for cfg in (config(tmp_path, feeds=False), config(tmp_path, base_url="")):
        for rel, html in pages_of(cfg, site()).items():
            assert "application/atom+xml" not in html, rel
            assert "Subscribe" not in html, rel


def test_pdf_and_code_links_do_not_leak_into_entry_links(tmp_path: Path) -> None:
    s = site(1, links=(Link("https://github.com/x/y", "code"),))
    entry = feedparser.parse(feeds_of(config(tmp_path), s)["feed.xml"]).entries[0]
    assert [link.href for link in entry.links] == [BASE + "papers/p1/"]
