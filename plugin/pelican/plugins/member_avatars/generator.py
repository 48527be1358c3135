"""The Pelican generator: reads member and event files, resolves avatars, writes the pages."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader
from pelican.generators import Generator, PelicanTemplateNotFound

from .avatars.job import AvatarJob
from .content.models import Event, Group, Member
from .content.pages import PageClaim, clashing_claims, pelican_pages
from .content.pagination import ListPart, attendee_list, event_list, group_list, member_list
from .content.reader import Roster
from .content.relations import link_community
from .log import get_logger
from .signals import community_ready
from .theme import CONTEXT_KEY, AvatarBook

logger = get_logger(__name__)
TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")


class CommunityGenerator(Generator):
    """Members, groups and events. Avatars resolve in a pool from the moment each member file
    is read, and every one is in before `generate_context` returns: no page waits on one."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The theme's templates first, then Pelican's simple theme, then ours: any theme can
        # override a page by name, and a stock theme gets our defaults.
        self.env.loader = ChoiceLoader([self.env.loader, FileSystemLoader(TEMPLATES)])
        use_gettext(self.env)
        self.members: list[Member] = []
        self.events: list[Event] = []
        self.groups: list[Group] = []
        self.roster: Roster | None = None
        # The pages of each list (split when long), by owner: "members", "events", id(group),
        # id(event) (its attendees).
        self.lists: dict[int | str, list[ListPart]] = {}
        # The pages that would overwrite another page: "members" or "events" for the list
        # pages, the id() of a member, group or event for theirs, (owner, number) for the
        # numbered pages of a split list.
        self.unwritten: set[Any] = set()

    # --- reading ----------------------------------------------------------------------------
    def read_members(self, accepted: Callable[[Member], None] | None = None) -> list[Member]:
        """The members of every member file and data file, sorted by name (see Roster)."""
        self.roster = Roster(self)
        return self.roster.read_members(accepted)

    def page_claims(self) -> list[PageClaim]:
        """Every page the plugin writes, in writing order (list pages first)."""

        def origin(item: Any) -> str:
            if hasattr(item, "data_place"):
                return item.origin  # the data file and the row
            return os.path.relpath(item.source_path, self.path)

        def group_origin(group: Group) -> str:
            # group.members is known: no scan of every member for each group.
            named_by = group.members or [e for e in self.events if e.group is group]
            return origin(named_by[0]) if named_by else group.name

        def numbered(owner: int | str, origin: str) -> list[PageClaim]:
            """The pages after the first of a split list."""
            parts = self.lists.get(owner, [])[1:]
            return [PageClaim(p.save_as, (owner, p.number), origin) for p in parts]

        claims = []
        if self.members:
            claims.append(PageClaim(self.settings["MEMBERS_SAVE_AS"], "members", "MEMBERS_SAVE_AS"))
            claims += numbered("members", "MEMBERS_SAVE_AS")
        if self.events:
            claims.append(PageClaim(self.settings["EVENTS_SAVE_AS"], "events", "EVENTS_SAVE_AS"))
            claims += numbered("events", "EVENTS_SAVE_AS")
        claims += [PageClaim(m.save_as, id(m), origin(m)) for m in self.members]
        for group in self.groups:
            claims.append(PageClaim(group.save_as, id(group), group_origin(group)))
            claims += numbered(id(group), group_origin(group))
        for event in self.events:
            claims.append(PageClaim(event.save_as, id(event), origin(event)))
            claims += numbered(id(event), origin(event))
        return claims

    def skip_clashing_pages(self) -> None:
        """Leave out each page that would overwrite an earlier one (Pelican's or ours)."""
        taken = pelican_pages(self.context, self.path)
        for claim, first in clashing_claims(self.page_claims(), taken):
            logger.warning(
                "%s: its page %s would overwrite the page of %s; not written",
                claim.origin,
                claim.save_as,
                first,
            )
            self.unwritten.add(claim.owner)

    # --- Pelican's steps --------------------------------------------------------------------
    def generate_context(self) -> None:
        job = AvatarJob(self.settings)
        with job:  # an error while reading drops the queued avatars and closes the job
            self.members = self.read_members(accepted=job.add)
            by_slug = {member.slug: member for member in self.members}
            self.events = self.roster.read_events(by_slug, new_guest=job.add)
            outcomes = job.finish()
        self.roster.warn_unused_private_data(self.members)

        book = AvatarBook(self.settings)
        book.add_outcomes(outcomes)
        book.add_members(self.members)
        # After Pelican's ArticlesGenerator (plugin generators run after it): articles are read.
        articles = self.context.get("articles") or []
        self.groups = link_community(
            self.members, self.events, articles, book.member, self.settings
        )
        # So `{filename}` links from articles and pages reach profiles and events: their
        # content is rendered when written, after every generator has read its files.
        for content in (*self.members, *self.events):
            if not hasattr(content, "data_place"):  # a data file is the source of many members
                self.add_source_path(content)
        self.lists = {
            "members": member_list(self.settings, self.groups, self.members),
            "events": event_list(self.settings, self.events),
            **{id(group): group_list(self.settings, group) for group in self.groups},
            **{id(event): attendee_list(self.settings, event) for event in self.events},
        }
        self.skip_clashing_pages()
        self.context[CONTEXT_KEY] = book
        self.context["members"] = self.members
        self.context["member_groups"] = self.groups
        self.context["events"] = self.events
        self.context["members_url"] = self.settings["MEMBERS_URL"]
        self.context["events_url"] = self.settings["EVENTS_URL"]
        self.context["member_avatar_uploads"] = self.roster.never_published()
        community_ready.send(self)

    def refresh_metadata_intersite_links(self) -> None:
        """Pelican calls this once every generator has read its files, as for articles."""
        for content in (*self.members, *self.events):
            content.refresh_metadata_intersite_links()

    def template_for(self, content: Member | Event) -> Any:
        """The template a `Template:` line names, else the default one for its kind."""
        try:
            return self.get_template(content.template)
        except PelicanTemplateNotFound:
            logger.warning(
                "%s: Template %r not found; using %r",
                content.source_path,
                content.template,
                content.default_template,
            )
            return self.get_template(content.default_template)

    def generate_output(self, writer: Any) -> None:
        relative_urls = self.settings["RELATIVE_URLS"]

        def write(save_as: str, template: Any, url: str, **kwargs: Any) -> None:
            writer.write_file(
                save_as,
                template,
                self.context,
                relative_urls=relative_urls,
                url=url,
                **kwargs,
            )

        def write_list(owner: int | str, template: Any, **kwargs: Any) -> None:
            """Every page of a list whose first page is written, but those that clash."""
            if owner in self.unwritten:
                return
            for part in self.lists.get(owner, []):
                if (owner, part.number) not in self.unwritten:
                    write(part.save_as, template, part.url, **part.context, **kwargs)

        write_list("members", self.get_template("members"))
        for member in self.written(self.members):
            write(member.save_as, self.template_for(member), member.url, member=member)
        for group in self.groups:
            write_list(id(group), self.get_template("group"), group=group)
        write_list("events", self.get_template("events"))
        for event in self.events:
            write_list(id(event), self.template_for(event), event=event)

    def written(self, items: list[Any]) -> list[Any]:
        """The items whose page does not clash with another page."""
        return [item for item in items if id(item) not in self.unwritten]


def use_gettext(env: Any) -> None:
    """`{% trans %}` in every template: Jinja's i18n extension, with translations that leave
    the text as it is unless the site (or a plugin such as i18n_subsites) installed its own."""
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    if "gettext" not in env.globals:
        env.install_null_translations(newstyle=True)
