"""pelican-member-avatars: community members with avatars inlined as data URIs."""

__version__ = "0.1.0"

from .plugin import register

__all__ = ["__version__", "register"]
