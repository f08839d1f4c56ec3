"""render.py: one Jinja environment (autoescape, StrictUndefined) renders every page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.build import render_site
from site_builder.config import Config, load_config
from site_builder.errors import ThemeError
from site_builder.model import Link, Paper, Site, Topic

HOSTILE_TITLE = "<script>alert(1)</script> & <b>Bold</b> claims"


def make_config(tmp_path: Path, site_yaml: str = "") -> Config:
    if site_yaml:
        (tmp_path / "site.yaml").write_text(site_yaml, encoding="utf-8")
    return load_config(tmp_path)


def write_template(config: Config, name: str, text: str) -> Path:
    path = config.templates_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def paper(slug: str, title: str, day: int, abstract: str = "An *abstract*.", **kw) -> Paper:
    return Paper(
        slug=slug, title=title, date=dt.date(2024, 3, day), abstract=abstract, topics=("RL",), **kw
    )


def small_site(n: int = 3) -> Site:
    papers = tuple(paper(f"p{i}", f"Paper {i}", 20 - i) for i in range(1, n + 1))
    topic = Topic(slug="rl", name="RL", description="Reinforcement learning",
                  paper_slugs=tuple(p.slug for p in papers))  # fmt: skip
    return Site(papers=papers, topics=(topic,))


def render(config: Config, site: Site) -> dict[str, str]:
    pages = render_site(config, site).items()
    out: dict[str, str] = {}
    for rel, data in pages:
        assert rel not in out, f"two pages at {rel}"
        out[rel] = data.decode("utf-8")
    return out


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


# --- the pages --------------------------------------------------------------------------------


def test_every_page_is_rendered(tmp_path: Path) -> None:
    pages = render(make_config(tmp_path, "daily_pages: false\n"), small_site())  # core pages only
    html_pages = {rel: html for rel, html in pages.items() if rel.endswith(".html")}
    assert set(html_pages) >= {  # features add other pages and files (search, papers.json, .bib...)
        "index.html",
        "papers/p1/index.html",
        "papers/p2/index.html",
        "papers/p3/index.html",
        "topics/index.html",
        "topics/rl/index.html",
        "404.html",
    }
    assert all(html.lstrip().lower().startswith("<!doctype html>") for html in html_pages.values())


def test_paper_page_shows_title_date_abstract_and_links(tmp_path: Path) -> None:
    site = Site(
        papers=(
            paper(
                "p1",
                "Paper One",
                11,
                abstract="We use *sparse* attention.",
                authors=("Ada", "Alan"),
                links=(Link("https://github.com/o/r", "code"),),
                arxiv="2403.01234",
            ),
        ),
        topics=(Topic(slug="rl", name="RL", paper_slugs=("p1",)),),
    )
    page = soup(render(make_config(tmp_path), site)["papers/p1/index.html"])
    assert page.find("h1").get_text() == "Paper One"
    assert page.find("time")["datetime"] == "2024-03-11"
    assert page.find("em").get_text() == "sparse"  # Markdown rendered, not escaped twice
    hrefs = {a["href"] for a in page.find_all("a")}
    assert "https://github.com/o/r" in hrefs
    assert "https://arxiv.org/abs/2403.01234" in hrefs
    assert "/topics/rl/" in hrefs
    assert "Ada, Alan" in page.get_text()


def test_pagination(tmp_path: Path) -> None:
    pages = render(make_config(tmp_path, "papers_per_page: 2\n"), small_site(5))
    assert {"index.html", "page/2/index.html", "page/3/index.html"} <= set(pages)
    assert "page/4/index.html" not in pages
    assert "topics/rl/page/3/index.html" in pages
    first = soup(pages["index.html"]).get_text()
    assert "Paper 1" in first and "Paper 2" in first and "Paper 3" not in first


def test_empty_site_still_renders(tmp_path: Path) -> None:
    pages = render(make_config(tmp_path), Site(papers=()))
    assert {"index.html", "topics/index.html", "404.html"} <= set(pages)


def test_links_use_the_base_path(tmp_path: Path) -> None:
    pages = render(make_config(tmp_path, "base_url: https://u.github.io/repo\n"), small_site())
    for rel in ("index.html", "papers/p1/index.html", "404.html"):
        tree = soup(pages[rel])
        local = [a["href"] for a in tree.find_all("a") if not a["href"].startswith("http")]
        local = [h for h in local if not h.startswith("#")]
        assert local and all(h.startswith("/repo/") for h in local), (rel, local)
        css = tree.find("link", rel="stylesheet")["href"]
        assert css.startswith("/repo/static/style.") and css.endswith(".css")
    assert 'href="/repo/papers/p1/"' in pages["index.html"]


# --- escaping ---------------------------------------------------------------------------------


def test_titles_are_autoescaped(tmp_path: Path) -> None:
    site = Site(
        papers=(paper("evil", HOSTILE_TITLE, 11), paper("next", "Next", 10)),
        topics=(Topic(slug="rl", name="RL", paper_slugs=("evil", "next")),),
    )
    pages = render(make_config(tmp_path, "title: 'Lab <i>papers</i>'\n"), site)
    for rel, html in pages.items():
        if not rel.endswith(".html"):
            continue  # .bib and JSON files hold the title as data, not markup
        assert "<script>alert(1)" not in html, rel
        assert "<b>Bold</b>" not in html, rel
        assert "<i>papers</i>" not in html, rel
    page = soup(pages["papers/evil/index.html"])
    assert page.find("h1").get_text() == HOSTILE_TITLE  # shown as written
    # JSON-LD (a data block browsers never run) and the theme's own script files only
    for s in page.find_all("script"):
        assert s.get("type") == "application/ld+json" or s.get("src", "").startswith("/static/")
    assert HOSTILE_TITLE in soup(pages["index.html"]).get_text()
    assert HOSTILE_TITLE in soup(pages["papers/next/index.html"]).get_text()  # prev/next links


def test_topic_names_are_autoescaped(tmp_path: Path) -> None:
    name = "<i>RL</i> & co"
    site = Site(
        papers=(
            Paper(slug="p1", title="T", date=dt.date(2024, 3, 11), abstract="A.", topics=(name,)),
        ),
        topics=(Topic(slug="rl-co", name=name, paper_slugs=("p1",)),),
    )
    pages = render(make_config(tmp_path), site)
    for rel in ("papers/p1/index.html", "topics/index.html", "topics/rl-co/index.html"):
        assert "<i>RL</i>" not in pages[rel], rel
        assert name in soup(pages[rel]).get_text(), rel


def test_hostile_abstract_is_sanitised_in_the_page(tmp_path: Path) -> None:
    site = Site(
        papers=(
            paper("p1", "T", 11, abstract="<img src=x onerror=alert(1)> [x](javascript:alert(1))"),
        ),
        topics=(Topic(slug="rl", name="RL", paper_slugs=("p1",)),),
    )
    page = soup(render(make_config(tmp_path), site)["papers/p1/index.html"])
    assert page.find("img") is None
    assert not any("javascript:" in a.get("href", "") for a in page.find_all("a"))


# --- template overrides and errors ------------------------------------------------------------


def test_override_extends_the_default_and_replaces_a_block(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    write_template(
        config,
        "paper.html",
        '{% extends "default/paper.html" %}\n'
        '{% block abstract %}<div class="custom-abstract">{{ paper.title }}!</div>{% endblock %}\n',
    )
    pages = render(config, small_site())
    page = soup(pages["papers/p1/index.html"])
    assert page.find("div", class_="custom-abstract").get_text() == "Paper 1!"
    assert page.find(id="abstract-heading") is None  # the default block is replaced
    assert page.find("h1").get_text() == "Paper 1"  # the rest of the default page is kept
    assert page.find("header", class_="site-header") is not None
    assert soup(pages["index.html"]).find("div", class_="custom-abstract") is None


def test_override_is_autoescaped_too(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    write_template(
        config,
        "paper.html",
        '{% extends "default/paper.html" %}{% block abstract %}<p class="t">{{ paper.title }}</p>'
        "{% endblock %}",
    )
    site = Site(papers=(paper("evil", HOSTILE_TITLE, 11),),
                topics=(Topic(slug="rl", name="RL", paper_slugs=("evil",)),))  # fmt: skip
    html = render(config, site)["papers/evil/index.html"]
    assert "<script>alert(1)" not in html
    assert soup(html).find("p", class_="t").get_text() == HOSTILE_TITLE


def test_template_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    write_template(
        config,
        "paper.html",
        '{% extends "default/paper.html" %}\n'
        "{% block abstract %}\n"
        "  {% if paper.title %}\n"
        "  <p>{{ paper.title }</p>\n"
        "{% endblock %}\n",
    )
    with pytest.raises(ThemeError) as info:
        render(config, small_site())
    err = info.value
    assert err.path is not None and err.path.endswith("paper.html")
    assert err.line == 4
    assert str(err).startswith(f"{err.path}:4: template syntax error")


def test_unclosed_block_in_override_is_a_theme_error(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    write_template(
        config, "paper.html", '{% extends "default/paper.html" %}\n{% block abstract %}\n'
    )
    with pytest.raises(ThemeError) as info:
        render(config, small_site())
    assert info.value.path is not None and info.value.path.endswith("paper.html")
    assert info.value.line is not None


def test_unknown_variable_in_override_is_a_theme_error(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    write_template(
        config,
        "paper.html",
        '{% extends "default/paper.html" %}{% block abstract %}{{ paper.no_such_field }}'
        "{% endblock %}",
    )
    with pytest.raises(ThemeError) as info:
        render(config, small_site())
    # In the template's words, with its line and the page: never a Python class name.
    assert str(info.value) == (
        "templates/paper.html:1: paper.no_such_field is undefined (while rendering /papers/p1/)"
    )


def test_unknown_asset_names_the_template_line(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    write_template(config, "404.html", "<p>gone</p>\n<link href=\"{{ asset('nope.css') }}\">\n")
    with pytest.raises(ThemeError) as info:
        render(config, small_site())
    assert str(info.value) == (
        "templates/404.html:2: no static file 'nope.css' in the theme (while rendering /404.html)"
    )


def test_site_theme_is_used_before_the_default(tmp_path: Path) -> None:
    theme = tmp_path / "themes" / "mine" / "templates"
    theme.mkdir(parents=True)
    (theme / "404.html").write_text(
        '{% extends "default/404.html" %}{% block title %}Lost · {{ site.title }}{% endblock %}',
        encoding="utf-8",
    )
    pages = render(make_config(tmp_path, "theme: mine\ntitle: Lab\n"), small_site())
    assert soup(pages["404.html"]).find("title").get_text() == "Lost · Lab"
    assert soup(pages["index.html"]).find("title").get_text() == "Lab"


def test_hand_written_link_and_identifier_urls_become_valid_hrefs(tmp_path: Path) -> None:
    evil = paper(
        "p1",
        "T",
        11,
        links=(Link(url='https://github.com/x" onmouseover="alert(1)', kind="code"),),
        arxiv='2001.04643"><b>',
        doi="10.1002/(SICI)1097<693>",
    )
    site = Site(papers=(evil,), topics=(Topic(slug="rl", name="RL", paper_slugs=("p1",)),))
    page = soup(render(make_config(tmp_path), site)["papers/p1/index.html"])
    hrefs = {a.get_text(): a["href"] for a in page.select(".badges a, .ids a")}
    assert hrefs == {
        "Code": "https://github.com/x%22%20onmouseover=%22alert(1)",
        'arXiv:2001.04643"><b>': "https://arxiv.org/abs/2001.04643%22%3E%3Cb%3E",
        "doi:10.1002/(SICI)1097<693>": "https://doi.org/10.1002/%28SICI%291097%3C693%3E",
    }


def test_cards_from_a_worker_share_the_values_this_process_holds() -> None:
    # Render workers send cards and search records back pickled: every string a copy. At
    # 100,000 papers those copies alone cost hundreds of MB; adopt keeps one of each.
    import pickle

    from site_builder.urls import Urls
    from site_builder.views import ViewStore

    papers = tuple(
        paper(f"p{i}", f"Paper {i}", 10, authors=("Ada Lovelace", "Alan Turing")) for i in (1, 2)
    )
    site = Site(papers=papers, topics=small_site().topics)
    worker = ViewStore(site, Urls("/", ""))
    for p in papers:
        worker.paper(p.slug)
    sent = pickle.loads(pickle.dumps((worker.cards, worker.records, worker.titles, {})))
    parent = ViewStore(site, Urls("/", ""))
    parent.adopt(*sent)

    assert parent.cards == worker.cards and parent.records == worker.records
    one, two = parent.cards["p1"], parent.cards["p2"]
    assert one.title is papers[0].title and one.authors is papers[0].authors
    assert one.author_links[0] is two.author_links[0]  # the same author, one link object
    assert one.topics[0] is two.topics[0] and one.date_iso is two.date_iso
    record = parent.records["p1"]
    assert record.title is papers[0].title and record.url is one.url


def test_a_feed_item_shows_a_paper_as_its_page_does() -> None:
    # Feeds show each paper many times, so they take a light item instead of the full view;
    # every field the two share must say the same.
    from dataclasses import fields

    from site_builder.urls import Urls
    from site_builder.views import FeedItemView, ViewStore

    first = paper("p1", "Paper $x^2$ with *stars*", 10, authors=("Ada Lovelace",))
    site = Site(papers=(first,), topics=small_site().topics)
    views = ViewStore(site, Urls("https://example.org/repo/", "/repo/"))
    item, full = views.feed_item("p1"), views.paper("p1")
    for field in fields(FeedItemView):
        assert getattr(item, field.name) == getattr(full, field.name), field.name
    assert item.permalink == "https://example.org/repo/papers/p1/"
    assert views.feed_item("p1") is item  # kept: the next feed showing it reuses it
