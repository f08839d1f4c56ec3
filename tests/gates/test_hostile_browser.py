"""Gate: safety. The hostile fixture site (tests/sites/hostile/) is built, and every one of
its pages is opened in Chromium: no dialog opens, no script from content runs (the
`window.__pwned` canary stays unset, nothing logs 'pwned', no page error), nothing is fetched
from another host, no element carries an event handler or a script URL, and the build wrote no
file outside its site folder. Besides: no hostile page is wider than a phone's screen."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from site_builder.cli import main

from .conftest import HOSTILE, file_tree
from .support import html_pages, page_url, serve

# Runs in each page after load: what a content payload would leave behind in the DOM.
DOM_AUDIT = """() => {
  const found = [];
  const scriptUrl = /^(javascript|vbscript):/;
  const navigating = new Set(['A', 'AREA', 'IFRAME', 'FRAME', 'OBJECT', 'EMBED', 'FORM',
                              'BUTTON', 'BASE']);
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toUpperCase();
    if (['IFRAME', 'FRAME', 'OBJECT', 'EMBED', 'BASE'].includes(tag)) found.push(`<${tag}>`);
    if (tag === 'META' && (el.httpEquiv || '').toLowerCase() === 'refresh')
      found.push('<meta http-equiv=refresh>');
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      // Browsers drop tabs, newlines and leading spaces from URLs before reading the scheme.
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`<${tag} ${name}>`);
      else if (scriptUrl.test(value)) found.push(`<${tag} ${name}=${attr.value}>`);
      else if (navigating.has(tag) && value.startsWith('data:'))
        found.push(`<${tag} ${name}=data:...>`);
    }
  }
  return found;
}"""


SEARCH_BOX = "input[type=search], [role=search] input, input[name=q], input[placeholder*=earch i]"
# Matches hostile text, so results show it; the query itself is shown back and must not run.
QUERY = "<img src=x onerror=window.__pwned=1><script>window.__pwned=1</script> pwned"


# Pressed in the page itself: a click may re-render the buttons, which a locator would wait on.
PRESS_BUTTONS = """() => {
  let pressed = 0;
  for (const b of document.querySelectorAll('button, [role=button]')) {
    if (pressed >= 30) break;
    if (b.getAttribute('aria-pressed') === 'true') continue;  // pressing again would undo it
    if (b.form && b.type === 'submit') continue;  // it would leave; search/?q= is visited too
    if (!b.checkVisibility()) continue;
    b.click();
    pressed++;
  }
}"""


@dataclass
class Visit:
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dom: list[str] = field(default_factory=list)
    canary: object = None
    overflow: int = 0  # how many pixels wider than the screen the page is

    def problems(self) -> list[str]:
        pwned_logs = [c for c in self.console if "pwned" in c.lower()]
        return [
            *(f"dialog: {d}" for d in self.dialogs),
            *(f"console: {c}" for c in pwned_logs),
            *(f"page error: {e}" for e in self.errors),
            *(f"request to another host: {u}" for u in self.offsite),
            *(f"failed request: {u}" for u in self.failed),
            *(f"in the DOM: {d}" for d in self.dom),
            *([f"window.__pwned = {self.canary!r}"] if self.canary is not None else []),
        ]


def interact(page, search: bool) -> None:
    """Do what a reader does, so script that renders content later (saved lists, search
    results) runs too: press every button not yet pressed, and search for hostile text."""
    page.evaluate(PRESS_BUTTONS)
    boxes = page.locator(SEARCH_BOX).filter(visible=True).all() if search else []
    for box in boxes:  # the header's box and the search page's own
        box.fill(QUERY, timeout=2000)
    if boxes:
        page.wait_for_timeout(1500)  # a search index loads and renders its results
    page.wait_for_load_state("networkidle")


def visit(context, url: str, origin: str, search: bool = False) -> Visit:
    """Open one page, wait for it to settle, and record everything content could set off."""
    seen = Visit()

    def route(r) -> None:
        if r.request.url.startswith(origin):
            r.continue_()
        else:  # never leaves the machine; recorded as a finding
            seen.offsite.append(r.request.url)
            r.abort()

    page = context.new_page()
    page.route("**/*", route)
    page.on("dialog", lambda d: (seen.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    page.on(
        "response",
        lambda r: (
            seen.failed.append(f"{r.status} {r.url}") if r.status >= 400 and r.url != url else None
        ),
    )
    page.goto(url, wait_until="networkidle")
    interact(page, search)
    # Hover and focus every element, so handlers that need a reader's touch would fire too.
    page.evaluate(
        """() => { for (const el of document.querySelectorAll('body *')) {
             for (const type of ['mouseover', 'mouseenter', 'focus', 'animationstart'])
               el.dispatchEvent(new Event(type)); } }"""
    )
    page.wait_for_timeout(100)
    seen.dom = page.evaluate(DOM_AUDIT)
    seen.canary = page.evaluate("window.__pwned")
    # Long unbroken titles must wrap, not push the page sideways on a phone.
    seen.overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.close()
    return seen


@pytest.fixture(scope="module")
def hostile_visits(chromium, hostile_site) -> dict[str, Visit]:
    """Every page of the hostile site, visited once on a phone-sized screen."""
    pages = html_pages(hostile_site.output)
    assert len(pages) >= 20  # every kind: home, pages 2.., papers, topics, topic pages, 404
    origin = hostile_site.url.split("/repo/")[0]
    urls = {page_url(hostile_site.output, p, hostile_site.url): p for p in pages}
    if (hostile_site.output / "search").is_dir():  # a query in the address is reflected too
        urls[hostile_site.url + "search/?q=" + quote(QUERY)] = hostile_site.output / "search"
    urls[hostile_site.url + "no/such/page/"] = hostile_site.output / "404.html"  # as on Pages
    context = chromium.new_context(viewport={"width": 390, "height": 800})
    try:
        # One browser profile throughout, so what a page stores (a saved list) is shown later.
        return {
            url: visit(
                context, url, origin, page.relative_to(hostile_site.output).parts[0] == "search"
            )
            for url, page in urls.items()
        }
    finally:
        context.close()


def test_no_content_runs_in_any_page_of_the_hostile_site(hostile_visits) -> None:
    problems = [f"{url}: {p}" for url, seen in hostile_visits.items() for p in seen.problems()]
    assert problems == [], "\n".join(problems)


def test_no_hostile_page_is_wider_than_a_phone(hostile_visits) -> None:
    """Long unbroken titles, topic names and formulas wrap or scroll in their own box; they
    must not push the whole page sideways on a 390 px screen."""
    wide = [
        f"{url}: {seen.overflow}px too wide"
        for url, seen in hostile_visits.items()
        if seen.overflow > 0
    ]
    assert wide == [], "\n".join(wide)


def test_hostile_text_is_shown_not_run(chromium, hostile_site) -> None:
    """The payloads are there for the reader to see, as text."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(hostile_site.url + "papers/script-everywhere/")
    heading = page.locator("h1").inner_text()
    assert heading == "<script>window.__pwned=1;alert('title')</script> Script in every field"
    abstract = page.locator(".abstract").inner_text()
    assert "</script><script>window.__pwned=1;alert(3)</script>" in abstract
    context.close()


def test_build_writes_nothing_outside_its_site_folder(hostile_site) -> None:
    created = sorted(hostile_site.tree_after.keys() - hostile_site.tree_before.keys())
    changed = sorted(
        k
        for k in hostile_site.tree_before.keys() & hostile_site.tree_after.keys()
        if hostile_site.tree_before[k] != hostile_site.tree_after[k]
    )
    assert created == [] and changed == []
    papers = sorted(p.name for p in (hostile_site.site / "content" / "papers").glob("*.md"))
    assert "etc-passwd.md" in papers  # the dump's '../../etc/passwd' title stays a file name
    output = hostile_site.output
    assert all(p.resolve().is_relative_to(output.resolve()) for p in output.rglob("*"))


def test_refused_front_matter_fails_the_build_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """javascript:/data: links, climbing or absolute slugs and YAML object tags are errors."""
    site = tmp_path / "a" / "b" / "site"
    shutil.copytree(HOSTILE / "rejected", site)
    before = file_tree(tmp_path)
    assert main(["--site", str(site), "build"]) == 1
    err = capsys.readouterr().err
    for name in sorted(p.name for p in (site / "content" / "papers").glob("*.md")):
        assert f"content/papers/{name}:" in err
    assert "5 errors; nothing was written" in err
    assert file_tree(tmp_path) == before


def test_the_canary_sees_a_payload_that_runs(chromium, tmp_path: Path) -> None:
    """The gate can fail: a page whose content did run is reported on every count."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        "<!doctype html><title>x</title>"
        "<script>window.__pwned = 1; console.log('pwned'); alert('x')</script>"
        '<img src="http://evil.example/p.png"><a href="javascript:void 0" onclick="x()">a</a>',
        encoding="utf-8",
    )
    context = chromium.new_context()
    with serve(site) as url:
        seen = visit(context, url, url.split("/repo/")[0])
    context.close()
    assert seen.canary == 1
    assert seen.dialogs == ["alert: x"]
    assert any("pwned" in c for c in seen.console)
    assert seen.offsite == ["http://evil.example/p.png"]
    assert "<A onclick>" in seen.dom and "<A href=javascript:void 0>" in seen.dom
    assert len(seen.problems()) >= 5


def test_the_width_check_sees_a_page_wider_than_a_phone(chromium, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        "<!doctype html><title>x</title><p style='white-space:nowrap'>" + "wide " * 200,
        encoding="utf-8",
    )
    context = chromium.new_context(viewport={"width": 390, "height": 800})
    with serve(site) as url:
        seen = visit(context, url, url.split("/repo/")[0])
    context.close()
    assert seen.overflow > 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (  # a button whose script renders stored text as HTML (a careless saved list)
            "<button>Save</button><script>document.querySelector('button').onclick = () =>"
            " document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=__pwned=2>')"
            "</script>",
            2,
        ),
        (  # a search box that shows the query back as HTML
            "<input type=search><output></output><script>const q = document.querySelector"
            "('input'); q.oninput = () => document.querySelector('output').innerHTML = q.value"
            "</script>",
            1,
        ),
    ],
    ids=["button", "search"],
)
def test_the_gate_presses_buttons_and_searches(chromium, tmp_path: Path, body, expected) -> None:
    """The gate can fail through script that only runs when a reader acts."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(f"<!doctype html><title>x</title>{body}", encoding="utf-8")
    context = chromium.new_context()
    with serve(site) as url:
        seen = visit(context, url, url.split("/repo/")[0], search=True)
    context.close()
    assert seen.canary == expected
