"""Daily digests: ``daily/YYYY-MM-DD/`` lists one day's papers (paginated like the home page),
with links to the days before and after; ``daily/`` lists the days, grouped by month and
paginated (plan.DAYS_PER_PAGE days a page)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from .. import urls
from ..config import Config

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


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


def day_view(
    date_iso: str, count: int, newer: str | None, older: str | None, u: urls.Urls
) -> DayView:
    """One day with papers, linked to the days before and after it that have papers."""

    def link(other: str | None) -> DayLink | None:
        if other is None:
            return None
        return DayLink(long_date(dt.date.fromisoformat(other)), u.path(urls.day(other)))

    label = long_date(dt.date.fromisoformat(date_iso))
    return DayView(
        date_iso=date_iso,
        label=label,
        short_label=label.rsplit(" ", 1)[0],
        url=u.path(urls.day(date_iso)),
        count=count,
        newer=link(newer),
        older=link(older),
    )


def months(days: list[DayView]) -> list[MonthView]:
    def month(d: DayView) -> str:
        date = dt.date.fromisoformat(d.date_iso)
        return f"{_MONTHS[date.month - 1]} {date.year}"

    return [MonthView(label, tuple(group)) for label, group in itertools.groupby(days, key=month)]


def template_globals(config: Config, u: urls.Urls) -> dict[str, Any]:
    """Links to day pages for cards and the header: None when daily pages are off."""
    on = config.daily_pages
    return {
        "days_url": u.path(urls.days_index()) if on else None,
        "day_url": lambda date_iso: u.path(urls.day(date_iso)) if on else None,
    }
