"""Daily digests: ``daily/YYYY-MM-DD/`` lists one day's papers (paginated like the home page),
with links to the days before and after; ``daily/`` lists every day, grouped by month."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import urls
from ..config import Config
from ..model import Site
from ..views import PaperView

if TYPE_CHECKING:
    from ..render import Renderer

DAYS = "daily/"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def day(date_iso: str, page: int = 1) -> str:
    """Site-relative URL of a day's page (page n of it when it has many papers)."""
    return f"{DAYS}{date_iso}/" if page <= 1 else f"{DAYS}{date_iso}/page/{page}/"


def long_date(date: dt.date) -> str:
    """'Wednesday 11 March 2026', the same whatever the machine's locale."""
    return f"{_WEEKDAYS[date.weekday()]} {date.day} {_MONTHS[date.month - 1]} {date.year}"


@dataclass(frozen=True)
class DayLink:
    label: str
    url: str


@dataclass(frozen=True)
class DayView:
    date_iso: str
    label: str  # 'Wednesday 11 March 2026'
    short_label: str  # 'Wednesday 11 March', under a month heading
    url: str
    count: int
    newer: DayLink | None  # the next day that has papers
    older: DayLink | None  # the previous day that has papers


@dataclass(frozen=True)
class MonthView:
    label: str  # 'March 2026'
    days: tuple[DayView, ...]  # newest first


def day_views(site: Site, u: urls.Urls) -> list[DayView]:
    """Every day with papers, newest first, each linked to its neighbours."""
    counts: dict[dt.date, int] = {}
    for p in site.papers:
        counts[p.date] = counts.get(p.date, 0) + 1
    dates = sorted(counts, reverse=True)

    def link(i: int) -> DayLink | None:
        if not 0 <= i < len(dates):
            return None
        return DayLink(long_date(dates[i]), u.path(day(dates[i].isoformat())))

    return [
        DayView(
            date_iso=d.isoformat(),
            label=long_date(d),
            short_label=long_date(d).rsplit(" ", 1)[0],
            url=u.path(day(d.isoformat())),
            count=counts[d],
            newer=link(i - 1),
            older=link(i + 1),
        )
        for i, d in enumerate(dates)
    ]


def months(days: list[DayView]) -> list[MonthView]:
    def month(d: DayView) -> str:
        date = dt.date.fromisoformat(d.date_iso)
        return f"{_MONTHS[date.month - 1]} {date.year}"

    return [MonthView(label, tuple(group)) for label, group in itertools.groupby(days, key=month)]


def produce(renderer: Renderer) -> Iterator[tuple[str, bytes]]:
    days = day_views(renderer.site, renderer.urls)
    views = renderer.paper_views
    by_date: dict[str, list[PaperView]] = {}
    for p in renderer.site.papers:  # newest first, so each day keeps the site's order
        by_date.setdefault(p.date.isoformat(), []).append(views[p.slug])
    for d in days:
        papers = by_date[d.date_iso]
        yield from renderer.listing(papers, partial(day, d.date_iso), "day.html", day=d)
    yield renderer.render("days.html", DAYS, months=months(days), total_days=len(days))


def template_globals(config: Config, u: urls.Urls) -> dict[str, Any]:
    """Links to day pages for cards and the header: None when daily pages are off."""
    on = config.daily_pages
    return {
        "days_url": u.path(DAYS) if on else None,
        "day_url": lambda date_iso: u.path(day(date_iso)) if on else None,
    }
