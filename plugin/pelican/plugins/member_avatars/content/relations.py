"""Relations between members, groups, events and articles, worked out once per build.

Themes print `member.events`, `member.articles`, `group.members`, `group.events`,
`event.attendees` and `event.group`; none of them has to scan every event or article, so each
page costs the same however long the community's history grows. Every relation here is built
in one pass over its items, with dicts by slug.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .models import Event, Group, Member, Person, name_sort_key

# The theme API's look-up: a member (or a guest) for an author, by slug, then by name.
MemberFor = Callable[[object], Person | None]


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
            member = by_slug.get(attendee.slug)
            if member is attendee and event not in member.events[-1:]:
                member.events.append(event)
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
            if isinstance(member, Member) and article not in member.articles[-1:]:
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


def split_translations(events: list[Event]) -> tuple[list[Event], list[Event]]:
    """The events to list, and their translations: Pelican's rule for articles. Event files
    that share a slug, each in another language (`Lang`), are one event: the one in the site's
    language (else the first not marked `Translation: true`) is listed, the others are its
    translations, with a page each. Sets `event.translations` on all of them.

    A translation shows the attendees, the count of unlisted ones and the group of the event it
    translates (`share_with_translations`): the list is kept once, in one file. Files that
    share a slug in one language are left alone (their pages clash, with a warning).
    """
    by_slug: dict[str, list[Event]] = {}
    for event in events:
        event.translations = []
        by_slug.setdefault(event.slug, []).append(event)
    originals: list[Event] = []
    translations: list[Event] = []
    for event in events:
        versions = by_slug[event.slug]
        if len(versions) == 1 or len({version.lang for version in versions}) < len(versions):
            originals.append(event)
            continue
        event.translations = [version for version in versions if version is not event]
        if event is original_of(versions):
            originals.append(event)
        else:
            translations.append(event)
    return originals, translations


def original_of(versions: list[Event]) -> Event:
    """The version listed: in the site's language, else the first not marked a translation."""
    marked = [str(v.metadata.get("translation", "false")).strip().lower() for v in versions]
    candidates = [v for v, mark in zip(versions, marked, strict=True) if mark in {"false", "no"}]
    candidates = candidates or versions
    return next((v for v in candidates if v.in_default_lang), candidates[0])


def share_with_translations(originals: Iterable[Event]) -> None:
    """The versions of one event show one attendee list, one unlisted count and one group: the
    listed version's, or the first translation's that has them (a sub-site of i18n_subsites
    lists the version in its own language, which may be the one without the list). Before
    `link_community`, which links the listed versions to members and groups."""
    for original in originals:
        versions = [original, *original.translations]
        people = next((v for v in versions if v.attendees or v.unlisted_count), original)
        group_name = next((v.group_name for v in versions if v.group_name), "")
        for version in versions:
            version.attendees = people.attendees
            version.unlisted_count = people.unlisted_count
            version.group_name = group_name


def group_translations(originals: Iterable[Event]) -> None:
    """Each translation's group is its original's (after `link_community`)."""
    for original in originals:
        for translation in original.translations:
            translation.group = original.group
