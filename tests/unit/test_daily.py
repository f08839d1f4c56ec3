"""outputs/daily.py: a page per day, the days index, and links to them from other pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bs4 import BeautifulSoup

from site_builder.build import render_site
from site_builder.config import Config, load_config
from site_builder.model import Paper, Site, Topic
from site_builder.outputs import daily
from site_builder.plan import day_counts
from site_builder.urls import Urls

# Papers on three days: 12 March (3 papers), 10 March (1), 2 February (1).
DAYS = [(12, 3), (12, 3), (12, 3), (10, 3), (2, 2)]


def config(tmp_path: Path, **overrides: object) -> Config:
    return load_config(tmp_path, {"base_url": "https://u.github.io/repo/", **overrides})


def small_site() -> Site:
    papers = tuple(
        Paper(
            slug=f"p{i}",
            title=f"Paper {i}",
            date=dt.date(2024, month, day),
            abstract="x",
            topics=("RL",),
        )
        for i, (day, month) in enumerate(DAYS)
    )
    return Site(
        papers=papers, topics=(Topic("rl", "RL", paper_slugs=tuple(p.slug for p in papers)),)
    )


def render(cfg: Config, site: Site | None = None) -> dict[str, BeautifulSoup]:
    return {
        rel: BeautifulSoup(data.decode(), "html.parser")
        for rel, data in render_site(cfg, site or small_site()).items()
        if rel.endswith(".html")
    }


def titles(doc: BeautifulSoup) -> list[str]:
    return [a.get_text() for a in doc.select(".card-title a")]


def test_day_views_link_each_day_to_its_neighbours() -> None:
    counts = day_counts(small_site())
    assert counts == [("2024-03-12", 3), ("2024-03-10", 1), ("2024-02-02", 1)]
    dates = [d for d, _ in counts]
    u = Urls("/repo/", "")
    days = [
        daily.day_view(d, n, dates[i - 1] if i else None, dates[i + 1] if i < 2 else None, u)
        for i, (d, n) in enumerate(counts)
    ]
    assert days[0].label == "Tuesday 12 March 2024"
    assert days[0].url == "/repo/daily/2024-03-12/"
    assert days[0].newer is None and days[0].older.url == "/repo/daily/2024-03-10/"
    assert days[1].newer.label == "Tuesday 12 March 2024"
    assert days[2].older is None
    assert [(m.label, len(m.days)) for m in daily.months(days)] == [
        ("March 2024", 2),
        ("February 2024", 1),
    ]


def test_each_day_has_a_page_listing_its_papers(tmp_path: Path) -> None:
    pages = render(config(tmp_path))
    assert titles(pages["daily/2024-03-12/index.html"]) == ["Paper 0", "Paper 1", "Paper 2"]
    assert titles(pages["daily/2024-03-10/index.html"]) == ["Paper 3"]
    assert pages["daily/2024-03-10/index.html"].h1.get_text() == "Sunday 10 March 2024"


def test_day_pages_are_paginated_like_other_listings(tmp_path: Path) -> None:
    pages = render(config(tmp_path, papers_per_page=2))
    first, second = (
        pages["daily/2024-03-12/index.html"],
        pages["daily/2024-03-12/page/2/index.html"],
    )
    assert titles(first) == ["Paper 0", "Paper 1"] and titles(second) == ["Paper 2"]
    assert first.select_one('.pager a[rel="next"]')["href"] == "/repo/daily/2024-03-12/page/2/"


def test_day_pages_link_the_previous_and_next_day(tmp_path: Path) -> None:
    pages = render(config(tmp_path))

    def nav(rel: str) -> dict[str, str]:
        links = pages[rel].select(".day-nav a")
        return {a["class"][0]: a["href"] for a in links}

    assert nav("daily/2024-03-12/index.html") == {"older": "/repo/daily/2024-03-10/"}
    assert nav("daily/2024-03-10/index.html") == {
        "newer": "/repo/daily/2024-03-12/",
        "older": "/repo/daily/2024-02-02/",
    }
    assert nav("daily/2024-02-02/index.html") == {"newer": "/repo/daily/2024-03-10/"}


def test_days_index_lists_every_day_by_month(tmp_path: Path) -> None:
    index = render(config(tmp_path))["daily/index.html"]
    assert [h.get_text() for h in index.select(".month h2")] == ["March 2024", "February 2024"]
    links = [
        (a["href"], a.select_one(".day-count").get_text()) for a in index.select(".day-list a")
    ]
    assert links == [
        ("/repo/daily/2024-03-12/", "3 papers"),
        ("/repo/daily/2024-03-10/", "1 paper"),
        ("/repo/daily/2024-02-02/", "1 paper"),
    ]


def test_cards_and_paper_pages_link_dates_to_their_day(tmp_path: Path) -> None:
    pages = render(config(tmp_path))
    home = pages["index.html"]
    dates = [a["href"] for a in home.select(".card a.date-link")]
    assert dates[0] == "/repo/daily/2024-03-12/" and dates[-1] == "/repo/daily/2024-02-02/"
    paper = pages["papers/p3/index.html"]
    assert paper.select_one(".paper a.date-link")["href"] == "/repo/daily/2024-03-10/"
    # on a day's own page the dates are plain text: a link there would go nowhere new
    assert pages["daily/2024-03-12/index.html"].select("a.date-link") == []


def test_home_and_header_link_to_the_days(tmp_path: Path) -> None:
    pages = render(config(tmp_path))
    home = pages["index.html"]
    assert home.select_one(".browse a")["href"] == "/repo/daily/"
    assert "Browse by day" in home.select_one(".browse").get_text()
    for rel, doc in pages.items():
        nav = {a.get_text(): a["href"] for a in doc.select(".site-header nav a")}
        assert nav.get("By day") == "/repo/daily/", rel
    current = pages["daily/index.html"].select_one('.site-header nav a[aria-current="page"]')
    assert current.get_text() == "By day"


def test_switched_off_daily_pages_leave_no_trace(tmp_path: Path) -> None:
    cfg = config(tmp_path, daily_pages=False)
    for rel, doc in render(cfg).items():
        assert not rel.startswith("daily/")
        assert "/daily/" not in str(doc), rel
        assert "By day" not in doc.get_text(), rel


def test_an_empty_site_has_an_empty_days_index(tmp_path: Path) -> None:
    pages = render(config(tmp_path), Site(papers=()))
    assert "No papers yet" in pages["daily/index.html"].get_text()
    assert not any(rel.startswith("daily/2") for rel in pages)
