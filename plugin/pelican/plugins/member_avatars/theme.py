"""The avatars of one build, as data URIs, and the Jinja API that themes render them with."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from markupsafe import Markup, escape

from .content.models import Member
from .images import encode
from .settings.config import config_of

CONTEXT_KEY = "member_avatar_book"


class AvatarBook:
    """Each member's encoded avatar by CSS size, and the markup that inlines it.

    The bytes are kept, not the data URIs: base64 costs microseconds per page, while keeping
    every URI of a 10,000-member site would hold a third more memory for the whole build.
    """

    def __init__(self, settings: dict[str, Any]):
        config = config_of(settings)
        self.sizes: dict[str, int] = dict(config.sizes)
        self.density = config.density
        self.fmt = config.fmt
        self._images: dict[str, dict[int, bytes]] = {}
        self.members: dict[str, Any] = {}
        self._by_name: dict[str, Any] = {}

    def add_members(self, members: list[Any]) -> None:
        for member in members:
            self.members[member.slug] = member
            self._by_name.setdefault(member.name.casefold(), member)

    def add_outcomes(self, outcomes: list[Any]) -> None:
        """Keep the images of every resolved member."""
        for outcome in outcomes:
            self.add_images(outcome.slug, outcome.images)

    def add_images(self, slug: str, images: dict[int, bytes]) -> None:
        """Keep the encoded images of one member (by pixel size) by CSS size."""
        self._images[slug] = {
            css: images[css * self.density]
            for css in set(self.sizes.values())
            if css * self.density in images
        }

    def css_size(self, size: str | int) -> int:
        """A configured size, by name ("list") or as one of the configured CSS pixel numbers."""
        if isinstance(size, str) and size in self.sizes:
            return self.sizes[size]
        if str(size).isdigit() and int(size) in self.sizes.values():
            return int(size)
        known = ", ".join(f"{name} ({css})" for name, css in self.sizes.items())
        raise ValueError(f"avatar size {size!r} is not in AVATAR_SIZES: {known}")

    def member(self, who: Any) -> Any:
        """The member for a Member, a slug, a name, or an Author (matched by slug, then name);
        a guest attendee is itself."""
        if who is None or isinstance(who, Member) or hasattr(who, "email_for_gravatar"):
            return who  # a member, or a guest of an event
        name = str(getattr(who, "name", who))
        slug = getattr(who, "slug", None)
        return (
            self.members.get(slug) or self.members.get(name) or self._by_name.get(name.casefold())
        )

    def uri(self, who: Any, size: str | int = "list") -> str:
        """The data URI of a member's avatar at a configured size ("" when there is none)."""
        member = self.member(who)
        if member is None:
            return ""
        encoded = self._images.get(member.slug, {}).get(self.css_size(size))
        return encode.data_uri(encoded, self.fmt) if encoded else ""

    def img(
        self, who: Any, size: str | int = "list", alt: str | None = None, **attrs: Any
    ) -> Markup:
        """The `<img class="avatar">` markup of a member's avatar ("" when there is none).

        `alt` is the member's name unless given: `alt=""` where the name is printed beside it.
        """
        member = self.member(who)
        uri = self.uri(member, size)
        if not uri:
            return Markup("")
        css = self.css_size(size)
        alt_text = member.name if alt is None else alt
        extra = "".join(f' {escape(name)}="{escape(value)}"' for name, value in attrs.items())
        # Every value is escaped (names and slugs can hold markup); the URI is base64 and is
        # left out of escaping, which would scan kilobytes per avatar on every page.
        return Markup(  # noqa: S704
            f'<img class="avatar" data-member="{escape(member.slug)}" width="{css}" '
            f'height="{css}" alt="{escape(alt_text)}"{extra} src="{uri}">'
        )


def _book(context: Any) -> AvatarBook | None:
    return context.get(CONTEXT_KEY)


@pass_context
def avatar(context: Any, who: Any, size: str | int = "list", **attrs: Any) -> Markup:
    """Jinja global: the `<img class="avatar" ...>` markup of a member (object, slug or name)."""
    book = _book(context)
    return book.img(who, size, **attrs) if book else Markup("")


@pass_context
def avatar_uri(context: Any, who: Any, size: str | int = "list") -> str:
    """Jinja global: the bare data URI of a member's avatar at a configured size."""
    book = _book(context)
    return book.uri(who, size) if book else ""


@pass_context
def member_for(context: Any, who: Any) -> Any:
    """Jinja global: the member whose name or slug matches (e.g. an article's author), or None."""
    book = _book(context)
    return book.member(who) if book else None


JINJA_GLOBALS = {"avatar": avatar, "avatar_uri": avatar_uri, "member_for": member_for}
