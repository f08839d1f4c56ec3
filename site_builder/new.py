"""`site-builder new DIR`: a site a user can push to GitHub as it is and see published.

The files come from site_builder/scaffold/ (inside the package, so a plain install has them),
site.yaml is written from the settings schema so it always lists every setting, and the topic
taxonomy is a copy of the packaged one for the user to edit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import yaml

from . import __version__
from .config import CONFIG_NAME, known_keys
from .errors import SiteError

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
PACKAGED_TOPICS = Path(__file__).resolve().parent / "data" / "topics.yaml"
EXAMPLE_PAPER = "content/papers/denoising-diffusion-probabilistic-models.md"

# Settings written active in a new site.yaml; every other one is listed commented out.
_ACTIVE = ("title", "description", "base_url", "topics_file")
_SECTIONS = {
    "title": "About the site",
    "papers_per_page": "Listing pages and topics",
    "content_dir": "Folders, relative to this file",
    "search": "Reader features: each is on by default and can be switched off",
}
_NOTES = {
    "base_url": "The Pages workflow builds with the address GitHub reports, so this can stay\n"
    "empty; set it to build feeds and the sitemap locally (--base-url overrides it).",
    "topics_file": "Here: a copy of the packaged taxonomy, yours to edit.",
}


_SCAFFOLD_FILES = (
    "site-README.md",
    "gitignore",
    "example-paper.md",
    "templates-README.md",
    "pages.yml",
)


@dataclass(frozen=True)
class Requirement:
    line: str  # what requirements.txt says
    where: str  # how it was chosen, for the user
    reachable: bool  # False when a GitHub runner probably cannot install it


@dataclass(frozen=True)
class NewSite:
    folder: Path
    files: tuple[str, ...]  # paths inside the folder, in the order written
    requirement: Requirement


def _folder_is_empty(folder: Path) -> bool:
    # A fresh clone of an empty GitHub repository holds only .git: that counts as empty.
    return all(p.name == ".git" for p in folder.iterdir())


def title_from_folder(folder: Path) -> str:
    words = re.sub(r"[-_.]+", " ", folder.resolve().name).strip()
    return (words[:1].upper() + words[1:]) if words else "Papers"


def requirement_for(spec: str | None) -> Requirement:
    """The site-builder the new site's workflow installs.

    ``--from`` wins. Otherwise, a site-builder installed from a git repository is pinned to
    that commit (pip records it, PEP 610). Otherwise the release of this version, which needs
    site-builder on PyPI: the user is told to check.
    """
    if spec:
        spec = spec.strip()
        if re.match(r"(git\+|https?://|file:)", spec):
            spec = f"site-builder @ {spec}"
        return Requirement(spec, "given with --from", not spec.startswith("file:"))
    try:
        direct = metadata.distribution("site-builder").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    info = json.loads(direct) if direct else {}
    vcs = info.get("vcs_info", {})
    url = str(info.get("url", ""))
    if vcs.get("vcs") == "git" and url.startswith(("https://", "ssh://", "git@")):
        commit = vcs.get("commit_id", "")
        pin = f"@{commit}" if commit else ""
        return Requirement(
            f"site-builder @ git+{url}{pin}", "the git commit installed here", reachable=True
        )
    return Requirement(f"site-builder=={__version__}", "this version, from PyPI", False)


def site_yaml(title: str) -> str:
    """A site.yaml listing every setting: a few set, the rest commented with their defaults."""
    out = [
        "# Settings for this site. Every setting is listed with a comment; a commented-out",
        "# line shows the default, so remove the '# ' to change it.",
    ]
    values: dict[str, object] = {
        "title": title,
        "description": "Research papers, grouped by topic.",
        "topics_file": "topics.yaml",
    }
    for key, (_kind, default, help_text) in known_keys().items():
        if key in _SECTIONS:
            title = _SECTIONS[key]
            out += ["", f"# ---- {title} " + "-" * max(4, 72 - len(title))]
        sentence = help_text[:1].upper() + help_text[1:]
        out.append(f"# {sentence}" + ("" if sentence.endswith(("/", ".")) else "."))
        out += [f"# {line}" for line in _NOTES.get(key, "").splitlines()]
        value = values.get(key, default)
        text = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False).strip()
        out.append(text if key in _ACTIVE else f"# {text}")
    return "\n".join(out) + "\n"


def _requirements_txt(req: Requirement) -> str:
    note = (
        "# The site-builder the Pages workflow installs (pip requirement format).\n"
        "# To upgrade, change this line, e.g. site-builder @ git+https://github.com/OWNER/"
        "site-builder@v0.2.0\n"
    )
    if not req.reachable:
        note += (
            "# If site-builder is not on PyPI yet, point this at its git repository instead,\n"
            "# as in the example above.\n"
        )
    return note + req.line + "\n"


def create_site(folder: Path, *, title: str | None = None, spec: str | None = None) -> NewSite:
    """Write a new site into ``folder``, which must not exist or be empty (a .git is fine)."""
    if folder.exists() and not folder.is_dir():
        raise SiteError(f"{folder} is a file; give a folder for the new site")
    if folder.is_dir() and not _folder_is_empty(folder):
        raise SiteError(f"{folder} is not empty; give a new or empty folder (nothing was changed)")
    req = requirement_for(spec)
    title = (title or "").strip() or title_from_folder(folder)
    scaffold = {name: (SCAFFOLD / name).read_text(encoding="utf-8") for name in _SCAFFOLD_FILES}
    files: dict[str, str] = {
        CONFIG_NAME: site_yaml(title),
        "requirements.txt": _requirements_txt(req),
        "README.md": scaffold["site-README.md"].replace("__TITLE__", title),
        ".gitignore": scaffold["gitignore"],
        "topics.yaml": PACKAGED_TOPICS.read_text(encoding="utf-8"),
        EXAMPLE_PAPER: scaffold["example-paper.md"],
        "templates/README.md": scaffold["templates-README.md"],
        ".github/workflows/pages.yml": scaffold["pages.yml"],
    }
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return NewSite(folder, tuple(files), req)


def next_steps(created: NewSite) -> str:
    """What to tell the user after `new`: what was made and the few steps to a live site."""
    folder = created.folder
    shown = folder.as_posix().rstrip("/") + "/"
    lines = [
        f"created a new site in {shown}",
        "  site.yaml                     settings: every one listed, with its default",
        "  content/papers/               an example paper: copy it for yours, then delete it",
        "  topics.yaml                   the topic taxonomy, yours to edit",
        "  templates/README.md           where template overrides go (empty: default theme)",
        f"  requirements.txt              {created.requirement.line}",
        "  .github/workflows/pages.yml   builds, checks and publishes on every push to main",
        "  README.md, .gitignore",
        "",
        "next steps:",
    ]
    if folder.resolve() != Path.cwd().resolve():
        lines.append(f"  cd {folder.as_posix()}")
    lines += [
        "  site-builder serve            preview at http://127.0.0.1:8000/ while you edit",
        "  site-builder ingest FILE      add papers from a daily-papers dump",
    ]
    if not (folder / ".git").exists():
        lines.append("  git init -b main && git add . && git commit -m 'New paper site'")
    lines += [
        "  push to a new GitHub repository, then in it: Settings > Pages > Source: GitHub Actions",
        "  the site goes live at https://USER.github.io/REPO/ (the Actions tab shows progress)",
    ]
    if not created.requirement.reachable:
        lines += [
            "",
            f"note: requirements.txt asks for {created.requirement.line}"
            f" ({created.requirement.where});",
            "  if that is not on PyPI, make it a git URL: site-builder new DIR --from",
            "  git+https://github.com/OWNER/site-builder (see the comment in requirements.txt)",
        ]
    return "\n".join(lines)
