"""pelican-member-avatars: community members with avatars inlined as data URIs."""

from .plugin import register

__all__ = ["register"]
__version__ = "0.1.0"
