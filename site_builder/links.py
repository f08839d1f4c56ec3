"""Find URLs in abstract text and say what kind of link each is (code, project, demo, ...)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from .model import Link

# Stop at whitespace and characters that never end a URL written in prose.
_URL = re.compile(r"https?://[^\s<>\"'`{}|\\^\[\]]+", re.I)
_TRAILING = ".,;:!?*'\""
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})(?:v\d+)?", re.I)
_ARXIV_TEXT = re.compile(r"\barXiv:\s?(\d{4}\.\d{4,5})(?:v\d+)?\b", re.I)

_CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net")
_DATASET_HOSTS = ("zenodo.org", "kaggle.com", "physionet.org", "figshare.com")
_VIDEO_HOSTS = ("youtube.com", "youtu.be", "vimeo.com", "bilibili.com")
# Words just before a URL that say what it is, most specific first.
_CONTEXT = (
    ("dataset", re.compile(r"\b(data ?sets?|benchmarks?|corpus|corpora)\b", re.I)),
    (
        "demo",
        re.compile(r"\b(demos?|samples?|listen|examples?|playground|generations|try it)\b", re.I),
    ),
    ("code", re.compile(r"\b(code|implementation|source|repository|library|toolkit)\b", re.I)),
    ("project", re.compile(r"\b(project|website|page|homepage|site)\b", re.I)),
)


def clean_url(url: str) -> str:
    """Strip sentence punctuation a URL picked up, keeping balanced brackets (wiki-style URLs)."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


# Characters a URL may hold as they are (RFC 3986 reserved and unreserved, and '%' so existing
# escapes stay); quote() percent-encodes the rest: spaces, quotes, '<', '>', '{', non-ASCII.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def encode_url(url: str) -> str:
    """A URL as a page may link it: a hand-written URL with a space or a quote in it becomes
    valid (percent-encoded) instead of an invalid href."""
    return quote(url, safe=_URL_SAFE)


def _host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def link_kind(url: str, before: str = "") -> str:
    """Classify a URL by its host first, then by the words written just before it."""
    host = _host(url)
    path = urlsplit(url).path.lower()
    if host == "huggingface.co":
        if path.startswith("/datasets/"):
            return "dataset"
        if path.startswith("/spaces/"):
            return "demo"
        return "code"
    if host == "arxiv.org" or path.endswith(".pdf"):
        return "pdf"
    if host == "colab.research.google.com":
        return "demo"
    if any(host == h or host.endswith("." + h) for h in _VIDEO_HOSTS):
        return "video"
    if any(host == h or host.endswith("." + h) for h in _DATASET_HOSTS):
        return "dataset"
    if any(host == h for h in _CODE_HOSTS):
        return "code"
    window = before[-80:]
    # The nearest telling word wins: "code and demos are at URL" -> the later word, "demos".
    best: tuple[int, str] | None = None
    for kind, pattern in _CONTEXT:
        for m in pattern.finditer(window):
            if best is None or m.end() > best[0]:
                best = (m.end(), kind)
    kind = best[1] if best is not None else "project"
    if kind == "code" and host.endswith((".github.io", ".gitlab.io")):
        return "project"  # a pages site is a project page, even when "code" is promised there
    return kind


def find_links(text: str) -> tuple[Link, ...]:
    """Every distinct http(s) URL in the text, in order, with its kind."""
    found: list[Link] = []
    seen: set[str] = set()
    for m in _URL.finditer(text):
        url = clean_url(m.group(0))
        if not urlsplit(url).hostname or url.lower() in seen:
            continue
        seen.add(url.lower())
        found.append(Link(url=url, kind=link_kind(url, text[: m.start()])))
    return tuple(found)


def find_arxiv_id(text: str) -> str | None:
    m = _ARXIV_URL.search(text) or _ARXIV_TEXT.search(text)
    return m.group(1) if m else None
