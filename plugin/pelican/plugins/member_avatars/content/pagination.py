"""Long lists over several pages, the way Pelican splits its own index, tag and category pages.

The first page keeps the list's SAVE_AS and URL; the numbered pages after it follow the site's
`PAGINATION_PATTERNS`. A template gets Pelican's names for key `K`: `K_paginator`, `K_page`
(its `object_list` holds this page's items), `K_previous_page` and `K_next_page`. How many
items a page holds: `PAGINATED_TEMPLATES[template]` when the site sets it (0 or False: never
split), else `PER_PAGE[template]`, which is also the least: a list of up to 100 people and a
list of up to 20 events always stay whole on one page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pelican.paginator import Page, Paginator

from ..log import get_logger

logger = get_logger(__name__)

# Items per page by template name; the least a site may choose, too.
PER_PAGE: dict[str, int] = {"members": 100, "group": 100, "events": 20, "event": 100}


def per_page(template: str, settings: dict[str, Any]) -> int:
    """Items on one page of `template`; 0: the whole list on one page."""
    chosen = (settings.get("PAGINATED_TEMPLATES") or {}).get(template)
    least = PER_PAGE[template]
    if chosen is None:
        return least
    if chosen is False or chosen == 0:
        return 0
    if not isinstance(chosen, int) or chosen < 0:
        logger.warning(
            "PAGINATED_TEMPLATES[%r] = %r is not a whole number of items per page (0 for one "
            "page); using %d",
            template,
            chosen,
            least,
        )
        return least
    return max(chosen, least)


class ListPage(Page):
    """A Pelican page whose first page stays at the list's own URL and SAVE_AS."""

    @property
    def url(self) -> str:
        return str(self.base_url if self.number == 1 else self._from_settings("URL"))

    @property
    def save_as(self) -> str:
        return str(self.full_name if self.number == 1 else self._from_settings("SAVE_AS"))


class ListPaginator(Paginator):
    """Pelican's Paginator, handing out ListPage objects."""

    def page(self, number: int) -> ListPage:
        plain = super().page(number)  # type: ignore[no-untyped-call]  # Pelican is untyped
        return ListPage(self.name, self.url, plain.object_list, number, self, self.settings)


@dataclass(frozen=True)
class ListPart:
    """One page of a split list: where it goes and what its template gets."""

    save_as: str
    url: str
    number: int
    context: dict[str, Any]


def split(
    key: str, items: list[Any], save_as: str, url: str, size: int, settings: dict[str, Any]
) -> list[ListPart]:
    """The pages of `items` (`size` per page, 0: one page), each with Pelican's context names."""
    paginator = ListPaginator(save_as, url, items, settings, size)
    pages = [paginator.page(number) for number in paginator.page_range]
    parts = []
    for index, page in enumerate(pages):
        context = {
            f"{key}_paginator": paginator,
            f"{key}_page": page,
            f"{key}_previous_page": pages[index - 1] if index else None,
            f"{key}_next_page": pages[index + 1] if index + 1 < len(pages) else None,
        }
        parts.append(ListPart(page.save_as, page.url, page.number, context))
    return parts


@dataclass(frozen=True)
class Listing:
    """One member under one group heading on the members page (`group` None: in no group)."""

    group: Any
    member: Any


def listings(groups: list[Any], members: list[Any]) -> list[Listing]:
    """The members page's entries: each group's members in group order, then the members in
    no group; a member of two groups is listed under both, as on one whole page."""
    entries = [Listing(group, member) for group in groups for member in group.members]
    entries += [Listing(None, member) for member in members if not member.groups]
    return entries


def sections(entries: list[Listing]) -> list[tuple[Any, list[Any]]]:
    """One page's entries as (group, members) runs, in order: what the page shows under each
    group heading (a group split over two pages is headed on both)."""
    runs: list[tuple[Any, list[Any]]] = []
    for entry in entries:
        if runs and runs[-1][0] is entry.group:
            runs[-1][1].append(entry.member)
        else:
            runs.append((entry.group, [entry.member]))
    return runs


def member_list(
    settings: dict[str, Any], pages: Mapping[str, str], groups: list[Any], members: list[Any]
) -> list[ListPart]:
    """The pages of the members page: `members_page` (whose `object_list` holds Listing
    entries) and `member_sections`, this page's entries as (group, members) runs."""
    save_as, url = pages["MEMBERS_SAVE_AS"], pages["MEMBERS_URL"]
    if not save_as or not members:
        return []
    size = per_page("members", settings)
    # Counted in people, not entries: a member of two groups is listed twice, and a list of up
    # to `size` people still stays whole.
    if len(members) <= size:
        size = 0
    parts = split("members", listings(groups, members), save_as, url, size, settings)
    for part in parts:
        part.context["member_sections"] = sections(part.context["members_page"].object_list)
    return parts


def group_list(settings: dict[str, Any], group: Any) -> list[ListPart]:
    """The pages of one group: `members_page` holds this page's members of the group."""
    if not group.save_as:
        return []
    size = per_page("group", settings)
    return split("members", list(group.members), group.save_as, group.url, size, settings)


def event_list(
    settings: dict[str, Any], pages: Mapping[str, str], events: list[Any]
) -> list[ListPart]:
    """The pages of the events page: `events_page` holds this page's events."""
    save_as, url = pages["EVENTS_SAVE_AS"], pages["EVENTS_URL"]
    if not save_as or not events:
        return []
    return split("events", list(events), save_as, url, per_page("events", settings), settings)


def attendee_list(settings: dict[str, Any], event: Any) -> list[ListPart]:
    """The pages of one event: `attendees_page` holds this page's attendees."""
    if not event.save_as:
        return []
    size = per_page("event", settings)
    return split("attendees", list(event.attendees), event.save_as, event.url, size, settings)
