"""Settings: every plugin setting once, in one declarative table (`table`: default, rule, the
`AvatarConfig` field it fills, a one-line doc), the rule builders (`rules`), the closed sets of
values such as the avatar `Source` enum (`choices`), and the check that turns Pelican's settings
into the one frozen `AvatarConfig` (`config`) that every other module reads.

Imports nothing of the plugin but `log`: it is the bottom layer.
"""
