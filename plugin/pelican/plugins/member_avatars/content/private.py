"""Private data: e-mail addresses kept out of the repository, in the file MEMBER_PRIVATE_DATA
names (rows of `Slug` and `Email`). Each address is used for the member or guest with that
slug, over one in their own file. No address ever reaches a log line: warnings name the
setting, the row and the slug only.
"""

from __future__ import annotations

import os

from ..diagnostics import warn
from ..log import get_logger
from .fields import first_text
from .models import Person, is_email
from .tables import read_table

logger = get_logger(__name__)
SETTING = "MEMBER_PRIVATE_DATA"


class PrivateData:
    """The addresses by slug; remembers which slugs a build used."""

    def __init__(self, emails: dict[str, str] | None = None):
        self.emails = emails or {}
        self.used: set[str] = set()

    @classmethod
    def load(cls, path: str | None) -> PrivateData:
        """The addresses of the file at `path` (None: the setting is not set), warning about
        a missing file and about bad rows."""
        if not path:
            return cls()
        if not os.path.isfile(path):
            warn(logger, SETTING, f"{path} does not exist; no private data used")
            return cls()
        table = read_table(path, "members")
        for _, problem in table.problems:
            warn(logger, SETTING, f"{path} {problem}")
        emails: dict[str, str] = {}
        for row in table.rows:
            slug = first_text(row.fields.get("slug"))
            email = first_text(row.fields.get("email"))
            if not slug:
                warn(logger, SETTING, f"{row.place_in(path)}: no Slug; row skipped")
            elif not is_email(email):
                message = f"the Email of {slug!r} is not an e-mail address; row skipped"
                warn(logger, SETTING, f"{row.place_in(path)}: {message}")
            else:
                emails.setdefault(slug, email.strip())
        return cls(emails)

    def apply(self, person: Person) -> None:
        """Give `person` (a member or guest) the address for its slug, if there is one."""
        email = self.emails.get(person.slug)
        if email is not None:
            person.email_for_gravatar = email
            self.used.add(person.slug)

    def warn_unknown(self, known: set[str]) -> None:
        """A warning, with the slug only, for each row that names no member or guest."""
        for slug in sorted(set(self.emails) - self.used - known):
            warn(logger, SETTING, f"slug {slug!r} names no member or guest; its row is not used")
