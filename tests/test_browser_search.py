"""Search and the saved list in a real Chromium, on the bundled papers served under /repo/.

Set SITE_BUILDER_SCREENSHOTS=DIR to keep screenshots of the search and Saved pages at phone
and desktop widths (light and dark) in DIR.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import DUMP, MARK, REPO, ingest, served_site

from site_builder.serve import DevServer, SiteBuild

HOSTILE_DUMP = REPO / "tests" / "sites" / "hostile" / "dump.txt"
PIANO = "papers/high-resolution-piano-transcription-with-pedals-by-regressing-onset-and-offset/"

pytestmark = MARK


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = ingest(HOSTILE_DUMP, tmp_path_factory.mktemp("hostile"))
    with served_site(site, tmp_path_factory.mktemp("www-hostile")) as url:
        yield url


@pytest.fixture
def context(browser) -> Iterator[object]:
    """A fresh profile per test (empty localStorage) that fails on any script error."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    ctx.on("weberror", lambda e: errors.append(str(e.error)))
    ctx.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield ctx
    ctx.close()
    # Chromium asks for /favicon.ico at the server root, outside the site: not ours.
    assert [e for e in errors if "favicon" not in e and "404" not in e] == []


def results(page) -> list[str]:
    page.wait_for_function("document.getElementById('search').getAttribute('aria-busy') === null")
    return page.locator("#search-results .card-title a").all_inner_texts()


def search_for(page, site_url: str, words: str) -> list[str]:
    page.goto(site_url + "search/")
    page.locator("#search-input").fill(words)
    page.wait_for_selector("#search-results li")
    return results(page)


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


# --- search -------------------------------------------------------------------------------------


def test_typing_a_query_finds_and_opens_the_paper(context, site_url: str) -> None:
    page = context.new_page()
    titles = search_for(page, site_url, "piano transcription")
    assert titles[0] == (
        "High-resolution Piano Transcription with Pedals by Regressing Onset and Offset Times"
    )
    assert re.match(r"\d+ papers? match", page.locator("#search-status").inner_text())
    excerpt = page.locator("#search-results .excerpt").first
    assert [m.lower() for m in excerpt.locator("mark").all_inner_texts()]  # words highlighted
    assert excerpt.inner_text().startswith("Automatic music")  # the abstract, not the title again
    page.locator("#search-results .card-title a").first.click()
    page.wait_for_load_state()
    assert page.url == site_url + PIANO  # under /repo/, as published
    assert page.locator("h1").inner_text() == titles[0]


def test_header_box_goes_to_the_search_page_with_results(context, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url)
    page.locator("header input[name=q]").fill("diffusion")
    page.locator("header input[name=q]").press("Enter")
    page.wait_for_selector("#search-results li")
    assert page.url == site_url + "search/?q=diffusion"
    assert page.locator("#search-input").input_value() == "diffusion"
    assert len(results(page)) >= 3


def test_topic_filter_narrows_the_results(context, site_url: str) -> None:
    page = context.new_page()
    everything = search_for(page, site_url, "model")
    page.locator("#search-topic").select_option("Reinforcement learning")
    page.wait_for_function("location.search.includes('topic=')")
    narrowed = results(page)
    assert 0 < len(narrowed) < len(everything)
    for topics in page.locator("#search-results .result-topics").all_inner_texts():
        assert "Reinforcement learning" in topics
    assert "in Reinforcement learning" in page.locator("#search-status").inner_text()
    # A topic and no words: every paper of the topic, as many as its topic page lists.
    page.locator("#search-input").fill("")
    page.wait_for_function("!location.search.includes('q=')")
    results(page)
    status = page.locator("#search-status").inner_text()
    listed = int(re.match(r"(\d+) papers? in the topic Reinforcement learning", status).group(1))
    page.goto(site_url + "topics/reinforcement-learning/")
    assert listed == int(page.locator(".count").inner_text().split()[0])


def test_search_by_keyboard_only(context, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + "search/")
    assert focused(page) == "search-input"  # ready to type
    page.keyboard.type("language model")
    page.wait_for_selector("#search-results li")
    titles = results(page)
    assert len(titles) >= 3
    page.keyboard.press("ArrowDown")
    assert focused(page) == titles[0]
    page.keyboard.press("ArrowDown")
    assert focused(page) == titles[1]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert focused(page) == "search-input"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # ordinary tabbing walks the result links too
    assert focused(page) == titles[1]
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == titles[1]
    assert page.url.startswith(site_url + "papers/")


def test_search_results_show_hostile_titles_as_text(context, hostile_url: str) -> None:
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    titles = search_for(page, hostile_url, "attention")
    assert "<script>alert('title')</script> Attention Is All You Need" in titles
    assert page.locator("#search-results script, #search-results img").count() == 0
    assert dialogs == []


def test_search_works_in_the_dev_server(context, tmp_path: Path) -> None:
    site = ingest(DUMP, tmp_path / "site")
    said: list[str] = []
    server = DevServer(
        SiteBuild(site, "https://u.github.io/repo/"), port=0, say=said.append, shout=said.append
    )
    server.start()
    page = context.new_page()
    try:
        page.goto(server.url + "search/?q=piano+transcription")
        page.wait_for_selector("#search-results li")
        page.locator("#search-results .card-title a").first.click()
        page.wait_for_load_state()
        assert page.url == server.url + PIANO
    finally:
        # Close the page first: its live-reload client would log failed reconnects otherwise.
        page.close()
        server.stop()


# --- saved list ---------------------------------------------------------------------------------


def saved_titles(page) -> list[str]:
    return page.locator("#saved-list .card-title a").all_inner_texts()


def test_save_from_a_paper_and_a_card_then_remove_one(context, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + PIANO)
    paper_title = page.locator("h1").inner_text()
    button = page.locator(".paper .save-toggle")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    assert button.get_attribute("aria-pressed") == "true"

    page.goto(site_url)
    card = page.locator(".card").nth(1)
    card_title = card.locator(".card-title a").inner_text()
    card.get_by_role("button", name=f"Save “{card_title}”").click()
    assert card.locator(".save-toggle").get_attribute("aria-pressed") == "true"

    page.get_by_role("link", name="Saved").click()
    page.wait_for_selector("#saved-list li")
    assert saved_titles(page) == [card_title, paper_title]  # newest first
    # One list per site: the key carries the base path, as sites share a github.io origin.
    assert page.evaluate("Object.keys(localStorage)") == ["site-builder:saved:/repo/"]
    assert page.locator("#saved-status").inner_text().startswith("2 saved papers")
    page.get_by_role("button", name=f"Remove “{card_title}”").click()
    assert saved_titles(page) == [paper_title]
    assert page.locator("#saved-status").inner_text().endswith("1 saved paper.")
    assert focused(page).startswith("Remove")  # focus stays in the list
    page.reload()
    assert saved_titles(page) == [paper_title]  # kept in the browser
    page.locator("#saved-list .card-title a").click()
    page.wait_for_load_state()
    assert page.url == site_url + PIANO
    assert page.locator(".paper .save-toggle").get_attribute("aria-pressed") == "true"
    page.locator(".paper .save-toggle").click()  # un-save from the paper page
    page.goto(site_url + "saved/")
    assert saved_titles(page) == []
    assert page.locator("#saved-empty").is_visible()


def test_saved_page_distrusts_what_it_reads_from_storage(context, site_url: str) -> None:
    """Another site on the same origin could write our key: nothing it writes may run."""
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(site_url)
    entries = [
        {"slug": "evil", "url": "javascript:alert(1)", "title": "Evil", "date": "2026-03-11"},
        {"slug": "away", "url": "https://example.com/", "title": "Elsewhere", "date": "x"},
        {"slug": "img", "url": site_url + PIANO, "title": "<img src=x onerror=alert(2)>"},
        "not an entry",
    ]
    page.evaluate(
        "items => localStorage.setItem('site-builder:saved:/repo/', JSON.stringify({items}))",
        entries,
    )
    page.goto(site_url + "saved/")
    assert saved_titles(page) == ["<img src=x onerror=alert(2)>"]  # shown as text
    assert page.locator("#saved-list img").count() == 0
    assert page.locator("#saved-list a").get_attribute("href") == "/repo/" + PIANO
    assert dialogs == []


def test_save_toggle_works_from_the_keyboard(context, site_url: str) -> None:
    page = context.new_page()
    page.goto(site_url + PIANO)
    page.locator(".paper .save-toggle").focus()
    page.keyboard.press("Space")
    assert page.locator(".paper .save-toggle").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Enter")
    assert page.locator(".paper .save-toggle").get_attribute("aria-pressed") == "false"


def test_without_storage_there_are_no_errors_and_the_saved_page_says_why(
    context, site_url: str
) -> None:
    context.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() {"
        " throw new DOMException('blocked', 'SecurityError'); }});"
    )
    page = context.new_page()
    page.goto(site_url)
    assert page.locator(".save-toggle:visible").count() == 0
    page.goto(site_url + "saved/")
    assert page.locator("#saved-unavailable").is_visible()


def test_without_javascript_no_save_buttons_and_the_site_still_works(
    browser, site_url: str
) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(site_url)
    assert page.locator(".save-toggle").count() > 0
    assert page.locator(".save-toggle:visible").count() == 0
    title = page.locator(".card-title a").first.inner_text()
    page.locator(".card-title a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.locator(".save-toggle:visible").count() == 0
    page.get_by_role("link", name="Topics").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Topics"
    # The header box still submits; the search page explains that it needs JavaScript.
    page.locator("header input[name=q]").fill("piano")
    page.locator("header input[name=q]").press("Enter")
    page.wait_for_load_state()
    assert page.url == site_url + "search/?q=piano"
    assert "Search needs JavaScript" in page.locator("main").inner_text()
    assert not page.locator("#search-input").is_visible()
    page.get_by_role("link", name="Saved").click()
    page.wait_for_load_state()
    assert "needs JavaScript" in page.locator("main").inner_text()
    ctx.close()


# --- how it looks -------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_and_saved_pages_fit_the_screen(browser, site_url: str, width, scheme) -> None:
    ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = ctx.new_page()
    shots = os.environ.get("SITE_BUILDER_SCREENSHOTS")
    page.goto(site_url + "search/?q=music")
    page.wait_for_selector("#search-results li")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if shots:
        page.screenshot(path=f"{shots}/search-{scheme}-{width}.png", full_page=True)
    page.goto(site_url)
    page.locator(".card .save-toggle").first.click()
    page.goto(site_url + PIANO)
    page.locator(".paper .save-toggle").click()
    page.goto(site_url + "saved/")
    page.wait_for_selector("#saved-list li")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if shots:
        page.screenshot(path=f"{shots}/saved-{scheme}-{width}.png", full_page=True)
    ctx.close()


# --- the index finds papers by title word, author and abstract word, under /repo/ ------------

AUTHORED = """---
title: {title}
date: 2024-05-{day:02d}
authors: [{authors}]
topics: [{topic}]
---

{abstract}
"""


@pytest.fixture(scope="module")
def authored_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = tmp_path_factory.mktemp("authored")
    papers = site / "content" / "papers"
    papers.mkdir(parents=True)
    for slug, title, day, authors, topic, abstract in [
        (
            "glass",
            "Glass harmonica synthesis",
            3,
            "Zoë Ångström, Bo Li",
            "Audio",
            "We model rubbed crystal bowls with a waveguide.",
        ),
        (
            "gecko",
            "Gecko feet for robot grippers",
            2,
            "Ada Quimby",
            "Robotics",
            "Dry adhesion lets a waveguide-free gripper climb glass walls.",
        ),
        (
            "bowls",
            "Singing bowls, measured",
            1,
            "Ada Quimby, Bo Li",
            "Audio",
            "Spectra of Tibetan bowls recorded in an anechoic room.",
        ),
    ]:
        (papers / f"{slug}.md").write_text(
            AUTHORED.format(title=title, day=day, authors=authors, topic=topic, abstract=abstract),
            encoding="utf-8",
        )
    with served_site(site, tmp_path_factory.mktemp("www-authored")) as url:
        yield url


def test_finds_by_author_accents_folded(context, authored_url: str) -> None:
    page = context.new_page()
    assert search_for(page, authored_url, "quimby") == [
        "Gecko feet for robot grippers",
        "Singing bowls, measured",
    ]
    assert search_for(page, authored_url, "angstrom") == ["Glass harmonica synthesis"]


def test_finds_by_abstract_word_and_title_word_ranks_first(context, authored_url: str) -> None:
    page = context.new_page()
    # "glass" is in one title and one abstract: the title match comes first.
    assert search_for(page, authored_url, "glass") == [
        "Glass harmonica synthesis",
        "Gecko feet for robot grippers",
    ]
    assert search_for(page, authored_url, "anechoic") == ["Singing bowls, measured"]
    marks = page.locator("#search-results .excerpt mark").all_inner_texts()
    assert marks == ["anechoic"]
    # Every word must match; the last one also as a prefix while typing.
    assert search_for(page, authored_url, "bo wave") == ["Glass harmonica synthesis"]
    page.locator("#search-results .card-title a").first.click()
    page.wait_for_load_state()
    assert page.url == authored_url + "papers/glass/"


def test_deep_link_with_topic_filter(context, authored_url: str) -> None:
    page = context.new_page()
    page.goto(authored_url + "search/?q=bowls&topic=Audio")
    page.wait_for_selector("#search-results li")
    # Both match in the abstract; "bowls" is also in the second one's title.
    assert results(page) == ["Singing bowls, measured", "Glass harmonica synthesis"]
    assert page.locator("#search-topic").input_value() == "Audio"
    # The site's taxonomy calls the robotics topic by its own name.
    page.locator("#search-topic").select_option("Robotics and control")
    page.wait_for_function("location.search.includes('topic=Robotics')")
    results(page)
    assert page.locator("#search-status").inner_text() == (
        "No papers match “bowls” in Robotics and control. Try All topics, or fewer words."
    )
