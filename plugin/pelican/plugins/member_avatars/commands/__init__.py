"""Commands: `pelican-avatars` (`cli`) and its `check`, which reads a site as a build would and
collects the problems (`check`, `check_reading`).

The top layer: may import anything in the package.
"""
