"""The plugin's version, read from the installed package's metadata (pyproject.toml holds it)."""

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "pelican-member-avatars"

try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
