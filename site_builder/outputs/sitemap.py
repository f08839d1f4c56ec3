"""sitemap.xml and robots.txt, from the route plan.

The sitemap lists every HTML page the plan marks indexable: not 404.html, nor the search and
saved pages (they are noindex). It needs absolute URLs, so it is written only with a full
base_url; robots.txt is always written and names the sitemap when there is one. A
``robots.txt`` or ``sitemap.xml`` in the site's static/ folder wins over the generated one.
Each page's lastmod is the date of the newest paper it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree import ElementTree as ET

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_xml(entries: Sequence[tuple[str, str | None]]) -> bytes:
    """``entries``: (absolute URL, lastmod as YYYY-MM-DD or None)."""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for loc, date in entries:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = loc
        if date is not None:
            ET.SubElement(url, "lastmod").text = date
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def robots_txt(sitemap_url: str | None) -> bytes:
    lines = ["# Every page may be crawled.", "User-agent: *", "Allow: /"]
    if sitemap_url:
        lines += ["", f"Sitemap: {sitemap_url}"]
    return ("\n".join(lines) + "\n").encode("utf-8")
