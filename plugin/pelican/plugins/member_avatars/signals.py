"""The plugin's own signal, for other plugins that add to members, groups and events.

    from pelican.plugins.member_avatars.signals import community_ready

    def add_talks(generator):
        for member in generator.members:
            member.talks = ...

    def register():
        community_ready.connect(add_talks)

It is sent by the community generator (the sender) once its context is ready: members, groups
and events are read, their relations (`member.events`, `member.articles`, `group.events`, ...)
worked out and every avatar resolved, and no page has been written yet.
"""

from __future__ import annotations

from blinker import signal

community_ready = signal("member_avatars_community_ready")
