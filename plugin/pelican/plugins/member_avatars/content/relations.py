"""Relations between members, groups, events and articles, worked out once per build.

Themes print `member.events`, `member.articles`, `group.members`, `group.events`,
`event.attendees` and `event.group`; none of them has to scan every event or article, so each
page costs the same however long the community's history grows. Every relation here is built
in one pass over its items, with dicts by slug.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .models import Event, Group, Member, name_sort_key

MemberFor = Callable[[Any], Member | None]


def newest_first(items: Iterable[Any]) -> list[Any]:
    """The items by `date`, newest first; items of one date keep their order."""
    return sorted(items, key=lambda item: item.date, reverse=True)


def build_groups(
    members: list[Member], events: list[Event], settings: dict[str, Any]
) -> list[Group]:
    """The groups named by members and events, sorted by name; sets `member.groups`,
    `group.members` (in the members' order) and `event.group`."""
    # By slug: "North" and "north" are one group page, not two that overwrite each other.
    groups: dict[str, Group] = {}

    def group_for(name: str) -> Group:
        group = Group(name, settings)
        return groups.setdefault(group.slug, group)

    for member in members:
        for name in member.group_names:
            group = group_for(name)
            if group not in member.groups:
                member.groups.append(group)
                group.members.append(member)
    for event in events:
        if event.group_name:
            event.group = group_for(event.group_name)
    return sorted(groups.values(), key=lambda group: name_sort_key(group.name))


def link_events(members: list[Member], events: list[Event]) -> None:
    """`member.events` and `group.events`, newest first. Guests among the attendees (people
    without a member file) are left alone: only members have a profile that lists events."""
    by_slug = {member.slug: member for member in members}
    for event in newest_first(events):
        for attendee in event.attendees:
            if by_slug.get(attendee.slug) is attendee and event not in attendee.events[-1:]:
                attendee.events.append(event)
        if event.group is not None:
            event.group.events.append(event)


def authors_of(article: Any) -> list[Any]:
    """An article's authors: all of `authors`, else the single `author`."""
    authors = getattr(article, "authors", None) or []
    if not authors and getattr(article, "author", None):
        authors = [article.author]
    return list(authors)


def link_articles(articles: Iterable[Any], member_for: MemberFor) -> None:
    """`member.articles`, newest first: the articles with the member among their authors,
    matched as the byline matches them (`member_for`: by slug, then by name)."""
    for article in newest_first(articles):
        for author in authors_of(article):
            member = member_for(author)
            # Two authors who are one member ("Ada", "ada"): the article is listed once.
            if member is not None and article not in member.articles[-1:]:
                member.articles.append(article)


def link_community(
    members: list[Member],
    events: list[Event],
    articles: Iterable[Any],
    member_for: MemberFor,
    settings: dict[str, Any],
) -> list[Group]:
    """Every relation themes get; returns the groups, sorted by name."""
    groups = build_groups(members, events, settings)
    link_events(members, events)
    link_articles(articles, member_for)
    return groups
