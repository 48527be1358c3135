"""pelican-member-avatars: community members with avatars inlined as data URIs."""

from .plugin import register
from .version import __version__

__all__ = ["__version__", "register"]
