"""Private data: e-mail addresses kept out of the repository, in the file MEMBER_PRIVATE_DATA
names (rows of `Slug` and `Email`). Each address is used for the member or guest with that
slug, over one in their own file. No address ever reaches a log line: warnings name the
setting, the row and the slug only.
"""

from __future__ import annotations

import os
from typing import Any

from ..log import get_logger
from .models import is_email
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
            logger.warning("%s: %s does not exist; no private data used", SETTING, path)
            return cls()
        table = read_table(path, "members")
        for _, problem in table.problems:
            logger.warning("%s: %s %s", SETTING, path, problem)
        emails: dict[str, str] = {}
        for row in table.rows:
            slug = _text(row.fields.get("slug"))
            email = _text(row.fields.get("email"))
            if not slug:
                logger.warning("%s: %s, %s: no Slug; row skipped", SETTING, path, row.place)
            elif not is_email(email):
                logger.warning(
                    "%s: %s, %s: the Email of %r is not an e-mail address; row skipped",
                    SETTING,
                    path,
                    row.place,
                    slug,
                )
            else:
                emails.setdefault(slug, email.strip())
        return cls(emails)

    def apply(self, person: Any) -> None:
        """Give `person` (a member or guest) the address for its slug, if there is one."""
        email = self.emails.get(person.slug)
        if email is not None:
            person.email_for_gravatar = email
            self.used.add(person.slug)

    def warn_unknown(self, known: set[str]) -> None:
        """A warning, with the slug only, for each row that names no member or guest."""
        for slug in sorted(set(self.emails) - self.used - known):
            logger.warning(
                "%s: slug %r names no member or guest; its row is not used", SETTING, slug
            )


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()
