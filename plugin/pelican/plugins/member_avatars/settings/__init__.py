"""Settings: every plugin setting with its default (`defaults`), what each allows (`rules`), and
the one checked, frozen `AvatarConfig` (`config`) that every other module reads.

Imports nothing of the plugin but `log`: it is the bottom layer.
"""
