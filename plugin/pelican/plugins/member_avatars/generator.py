"""The Pelican generator: reads member and event files, resolves avatars, writes the pages."""

from __future__ import annotations

import os
import posixpath
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader
from pelican.generators import Generator, PelicanTemplateNotFound

from .avatars.job import AvatarJob
from .content.models import Event, Group, Member
from .content.pages import PageClaim, clashing_claims, pelican_pages
from .content.pagination import ListPart, attendee_list, event_list, group_list, member_list
from .content.reader import Accept, Roster
from .content.relations import (
    group_translations,
    link_community,
    share_with_translations,
    split_translations,
)
from .diagnostics import Place, warn
from .language import (
    date_events,
    place_unmarked_content,
    prepare_environment,
    share_outcomes,
    shared_outcomes,
    site_language,
)
from .log import get_logger
from .settings.config import config_of
from .signals import community_ready
from .theme import CONTEXT_KEY, AvatarBook

logger = get_logger(__name__)
TEMPLATES = os.path.join(os.path.dirname(__file__), "templates")


class CommunityGenerator(Generator):
    """Members, groups and events. Avatars resolve in a pool from the moment each member file
    is read, and every one is in before `generate_context` returns: no page waits on one."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]  # Pelican's own
        # The list pages' URL and SAVE_AS, checked (a member's, group's or event's own are
        # Pelican's to format, from its settings).
        self.pages = config_of(self.settings).pages
        # The theme's templates first, then Pelican's simple theme, then ours: any theme can
        # override a page by name, and a stock theme gets our defaults.
        theme_loader = self.env.loader
        assert theme_loader is not None  # Pelican's Generator always sets one
        self.env.loader = ChoiceLoader([theme_loader, FileSystemLoader(TEMPLATES)])
        # In the site's language (the plugin's generator_init receiver does this for every
        # generator; a generator made by hand gets it too).
        prepare_environment(self.env, self.settings)
        self.members: list[Member] = []
        self.events: list[Event] = []
        # Events in another language than the listed one, each with its own page.
        self.translations: list[Event] = []
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
    def read_members(self, accepted: Accept | None = None) -> list[Member]:
        """The members of every member file and data file, sorted by name (see Roster)."""
        self.roster = Roster(self)
        return self.roster.read_members(accepted)

    def _roster(self) -> Roster:
        """The roster `read_members` made."""
        assert self.roster is not None, "read_members first"
        return self.roster

    def page_claims(self) -> list[PageClaim]:
        """Every page the plugin writes, in writing order (list pages first)."""

        def origin(item: Member | Event) -> Place | str:
            if isinstance(item, Member) and item.in_data_file:
                return item.place  # the data file and the row
            return os.path.relpath(item.source_path, self.path)

        def group_origin(group: Group) -> Place | str:
            # group.members is known: no scan of every member for each group.
            named_by: list[Member] | list[Event] = group.members or [
                e for e in self.events if e.group is group
            ]
            return origin(named_by[0]) if named_by else group.name

        def numbered(owner: int | str, origin: Place | str) -> list[PageClaim]:
            """The pages after the first of a split list."""
            parts = self.lists.get(owner, [])[1:]
            return [PageClaim(p.save_as, (owner, p.number), origin) for p in parts]

        claims = []
        if self.members:
            claims.append(PageClaim(self.pages["MEMBERS_SAVE_AS"], "members", "MEMBERS_SAVE_AS"))
            claims += numbered("members", "MEMBERS_SAVE_AS")
        if self.events:
            claims.append(PageClaim(self.pages["EVENTS_SAVE_AS"], "events", "EVENTS_SAVE_AS"))
            claims += numbered("events", "EVENTS_SAVE_AS")
        claims += [PageClaim(m.save_as, id(m), origin(m)) for m in self.members]
        for group in self.groups:
            claims.append(PageClaim(group.save_as, id(group), group_origin(group)))
            claims += numbered(id(group), group_origin(group))
        for event in [*self.events, *self.translations]:
            claims.append(PageClaim(event.save_as, id(event), origin(event)))
            claims += numbered(id(event), origin(event))
        return claims

    def skip_clashing_pages(self) -> None:
        """Leave out each page that would overwrite an earlier one (Pelican's or ours)."""
        taken = pelican_pages(self.context, self.path)
        for claim, first in clashing_claims(self.page_claims(), taken):
            message = f"its page {claim.save_as} would overwrite the page of {first}; not written"
            warn(logger, claim.origin, message)
            self.unwritten.add(claim.owner)

    # --- Pelican's steps --------------------------------------------------------------------
    def generate_context(self) -> None:
        outcomes = shared_outcomes(self.settings)
        if outcomes is None:
            job = AvatarJob(self.settings)
            with job:  # an error while reading drops the queued avatars and closes the job
                self.members = self.read_members(accepted=job.add)
                by_slug = {member.slug: member for member in self.members}
                self.events = self._roster().read_events(by_slug, new_guest=job.add)
                outcomes = job.finish()
            share_outcomes(self.settings, outcomes)
        else:  # a sub-site of i18n_subsites: the avatars its main site resolved
            self.members = self.read_members()
            by_slug = {member.slug: member for member in self.members}
            self.events = self._roster().read_events(by_slug)
        self._roster().warn_unused_private_data(self.members)
        place_unmarked_content(self.events, self.settings)
        date_events(self.events, self.settings)
        self.events, self.translations = split_translations(self.events)

        book = AvatarBook(self.settings)
        book.add_outcomes(outcomes)
        book.add_members(self.members)
        # After Pelican's ArticlesGenerator (plugin generators run after it): articles are read.
        articles = self.context.get("articles") or []
        share_with_translations(self.events)
        self.groups = link_community(
            self.members, self.events, articles, book.member, self.settings
        )
        group_translations(self.events)
        # So `{filename}` links from articles and pages reach profiles and events: their
        # content is rendered when written, after every generator has read its files.
        for content in (*self.members, *self.events, *self.translations):
            # A data file is the source of many members: not one member's link target.
            if not (isinstance(content, Member) and content.in_data_file):
                self.add_source_path(content)
        self.lists = {
            "members": member_list(self.settings, self.pages, self.groups, self.members),
            "events": event_list(self.settings, self.pages, self.events),
            **{id(group): group_list(self.settings, group) for group in self.groups},
            **{
                id(event): attendee_list(self.settings, event)
                for event in [*self.events, *self.translations]
            },
        }
        self.skip_clashing_pages()
        self.context[CONTEXT_KEY] = book
        self.context["members"] = self.members
        self.context["member_groups"] = self.groups
        self.context["events"] = self.events
        self.context["members_url"] = self.pages["MEMBERS_URL"]
        self.context["events_url"] = self.pages["EVENTS_URL"]
        self.context["member_avatar_uploads"] = self._roster().never_published()
        community_ready.send(self)

    def refresh_metadata_intersite_links(self) -> None:
        """Pelican calls this once every generator has read its files, as for articles."""
        for content in (*self.members, *self.events, *self.translations):
            content.refresh_metadata_intersite_links()

    def template_for(self, content: Member | Event) -> Any:
        """The template a `Template:` line names, else the default one for its kind."""
        try:
            return self.get_template(content.template)
        except PelicanTemplateNotFound:
            message = f"Template {content.template!r} not found; using {content.default_template!r}"
            warn(logger, content.source_path, message, "Template")
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
        self.link_translations_to_subsites()
        for event in [*self.events, *self.translations]:
            write_list(id(event), self.template_for(event), event=event)

    def link_translations_to_subsites(self) -> None:
        """With i18n_subsites, an event in the language of another sub-site is that sub-site's
        page: linked there (as i18n_subsites links articles), not written here too. Its
        `relpath_to_site` and `lang_siteurls` are in the context once every site is read."""
        relpath_to_site = self.context.get("relpath_to_site")
        sites = self.context.get("lang_siteurls") or {}
        here = site_language(self.settings)
        if not callable(relpath_to_site):
            return
        for version in self.translations:
            if version.lang in sites and version.lang != here:
                native = str(self.settings["EVENT_URL"]).format(**version.url_format)
                version.url = posixpath.join(relpath_to_site(here, version.lang), native)
                self.unwritten.add(id(version))

    def written(self, items: list[Any]) -> list[Any]:
        """The items whose page does not clash with another page."""
        return [item for item in items if id(item) not in self.unwritten]

