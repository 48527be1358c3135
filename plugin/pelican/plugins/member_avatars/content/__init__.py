"""Content: the members, events, groups and guests of a build, read from member, data, event,
attendee and private-data files (`reader`), the fields they carry (`fields`), the relations
between them (`relations`) and the pages they become (`pages`).

May import `settings`, `log` and Pelican; never the avatar machinery.
"""
