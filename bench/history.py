"""Workload P2: a community with years of history (members in groups, events, articles).

The same members are written twice: once alone (the members-only site) and once with events
(attendee lists drawn mostly from the event's group) and articles whose `Author` is a member's
name, so every byline matches a member. Everything is seeded: every run writes the same site.
"""

from __future__ import annotations

import datetime
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import fixtures

CITIES = [
    "Hamburg", "Kiel", "Copenhagen", "Malmö & Lund", "Aarhus", "Gothenburg", "Oslo", "Bergen",
    "Stockholm", "Uppsala", "Helsinki", "Tampere", "Tallinn", "Riga", "Vilnius", "Gdańsk",
    "Szczecin", "Rostock", "Lübeck", "Bremen", "Hanover", "Odense", "Aalborg", "Trondheim",
]  # fmt: skip
TOPICS = [
    "Testing", "Legacy Code", "Ensemble Programming", "Domain-Driven Design", "Katas",
    "Functional Programming", "Refactoring", "Architecture", "DevOps", "Accessibility",
    "Security", "Data", "Rust", "Coaching", "Game Dev", "Open Source",
]  # fmt: skip
CATEGORIES = ["Notes", "Meetups", "Talks", "Community", "Craft"]
TAGS = ["tdd", "katas", "legacy", "pairing", "ddd", "ci", "retro", "socrates"]
HISTORY_END = datetime.date(2026, 6, 30)
HISTORY_DAYS = 10 * 365  # ten years of meetups


@dataclass(frozen=True)
class Size:
    """One P2 community size: members, groups, events (count × attendees), articles."""

    name: str
    members: int
    groups: int
    events: tuple[tuple[int, int], ...]  # (how many events, attendees each)
    articles: int

    def describe(self) -> str:
        events = " + ".join(f"{count} events × {each}" for count, each in self.events)
        return (
            f"{self.members} members / {self.groups} groups / {events} attendees / "
            f"{self.articles} articles"
        )


SIZES = {
    "tiny": Size("tiny", 60, 4, ((6, 10),), 12),
    "a": Size("a", 2000, 30, ((400, 100),), 800),
    "b": Size("b", 10000, 40, ((3000, 20), (15, 250)), 2000),
}


def group_names(count: int) -> list[str]:
    names = [*CITIES, *TOPICS]
    if count > len(names):
        raise ValueError(f"at most {len(names)} groups")
    return names[:count]


def memberships(members: list[fixtures.Member], groups: list[str]) -> dict[str, list[str]]:
    """Slug → the member's groups (one or two), seeded per member."""
    result = {}
    for member in members:
        rng = random.Random(f"p2-groups-{member.index}")
        result[member.slug] = rng.sample(groups, rng.choice([1, 1, 2]))
    return result


def write_member(content: Path, member: fixtures.Member, groups: list[str]) -> None:
    rng = random.Random(f"details-{member.index}")
    lines = [
        f"Name: {member.name}",
        f"Email: {member.email}",
        f"Groups: {', '.join(groups)}",
        f"Location: {groups[0] if groups[0] in CITIES else 'Hamburg'}",
        f"Profession: {rng.choice(fixtures.PROFESSIONS)}",
        f"Website: https://{member.slug}.example.net/",
    ]
    if member.photo is not None:
        relative = f"members/photos/{member.photo.name}"
        fixtures.link_or_copy(member.photo, content / relative)
        lines.append(f"Avatar: {relative}")
    bio = f"{member.name.split()[0]} works as a {rng.choice(fixtures.PROFESSIONS).lower()}."
    (content / "members" / f"{member.slug}.md").write_text(
        "\n".join(lines) + "\n\n" + bio + "\n", encoding="utf-8"
    )


def event_dates(count: int, rng: random.Random) -> list[datetime.date]:
    """`count` dates spread over the ten years before HISTORY_END."""
    return [
        HISTORY_END - datetime.timedelta(days=rng.randrange(HISTORY_DAYS)) for _ in range(count)
    ]


def write_events(
    content: Path, size: Size, members: list[fixtures.Member], member_groups: dict[str, list[str]]
) -> None:
    """Events round-robin over the groups; attendees first from the group, then anyone."""
    groups = group_names(size.groups)
    by_group: dict[str, list[str]] = {group: [] for group in groups}
    for slug, names in member_groups.items():
        for name in names:
            by_group[name].append(slug)
    everyone = [member.slug for member in members]
    rng = random.Random(f"p2-events-{size.name}")
    (content / "events").mkdir(parents=True)
    number = 0
    for count, each in size.events:
        for date in event_dates(count, rng):
            group = groups[number % len(groups)]
            local = rng.sample(by_group[group], min(len(by_group[group]), each * 3 // 4))
            others = rng.sample(everyone, min(len(everyone), each))
            attendees = list(dict.fromkeys([*local, *others]))[:each]
            (content / "events" / f"event-{number:05d}.md").write_text(
                f"Title: {group} meetup {number + 1}\nDate: {date.isoformat()}\n"
                f"Location: {group if group in CITIES else 'Hamburg'}\nGroup: {group}\n"
                f"Attendees: {', '.join(attendees)}\n\nTalks, katas and pizza.\n",
                encoding="utf-8",
            )
            number += 1


def write_articles(content: Path, size: Size, members: list[fixtures.Member]) -> None:
    """Articles by a fifth of the members (so some write several), bylines = member names."""
    rng = random.Random(f"p2-articles-{size.name}")
    writers = rng.sample(members, max(1, len(members) // 5))
    (content / "articles").mkdir(parents=True)
    for number, date in enumerate(sorted(event_dates(size.articles, rng))):
        author = rng.choice(writers)
        (content / "articles" / f"article-{number:05d}.md").write_text(
            f"Title: Notes {number + 1}\nDate: {date.isoformat()}\nAuthor: {author.name}\n"
            f"Category: {rng.choice(CATEGORIES)}\nTags: {rng.choice(TAGS)}\n\n"
            f"What {author.name.split()[0]} learnt at meetup {number + 1}.\n",
            encoding="utf-8",
        )


def write_site(root: Path, size: Size, members: list[fixtures.Member], history: bool) -> None:
    """The P2 site under `root`/content: members (and, with `history`, events and articles)."""
    content = root / "content"
    if content.exists():
        shutil.rmtree(content)
    (content / "members").mkdir(parents=True)
    member_groups = memberships(members, group_names(size.groups))
    for member in members:
        write_member(content, member, member_groups[member.slug])
    (content / "pages").mkdir()
    (content / "pages" / "about.md").write_text(
        "Title: About\n\nA synthetic community with years of history.\n", encoding="utf-8"
    )
    if history:
        write_events(content, size, members, member_groups)
        write_articles(content, size, members)
