"""Remote `Avatar` URLs (exports often carry one): fetched like Gravatar and GitHub, through the
same cache and AVATAR_ALLOWED_HOSTS; a host not allowed is refused without a request."""

from __future__ import annotations

from avatar_server import make_png
from helpers import near, plugin_warnings

BLUE, GREEN = (30, 60, 210), (30, 160, 30)


def test_avatar_urls_on_allowed_hosts_are_fetched_and_others_refused(site, avatar_server, caplog):
    avatar_server.set_path("/pics/data.png", make_png(BLUE))
    avatar_server.set_path("/pics/file.png", make_png(GREEN))
    avatar_server.set_path("/pics/refused.png", make_png(GREEN))
    port = avatar_server.port
    site.write(
        "members/people.csv",
        "Name,Slug,Avatar\n"
        f"Dana Data,dana,http://127.0.0.1:{port}/pics/data.png\n"
        f"Rex Refused,rex,http://localhost:{port}/pics/refused.png\n",
    )
    site.member("fay", "Fay File", avatar=f"{avatar_server.base_url}/pics/file.png")
    site.write("events/e.csv", f"Name,Avatar\nGil Guest,ftp://127.0.0.1:{port}/pics/file.png\n")
    site.write("events/e.md", "Title: E\nDate: 2026-01-01\nAttendees-File: events/e.csv\n\nx\n")
    result = site.build(caplog)

    assert near(site.avatar("members/index.html", "dana").centre_colour(), BLUE)
    assert near(site.avatar("members/index.html", "fay").centre_colour(), GREEN)
    # Refused: the next source (generated) is used, and the server saw no request for it.
    assert not near(site.avatar("members/index.html", "rex").centre_colour(), GREEN)
    assert sorted(r.path for r in avatar_server.requests) == ["/pics/data.png", "/pics/file.png"]
    assert plugin_warnings(result.warnings) == [
        "[member_avatars] members/people.csv, line 3: Avatar URL: refused host "
        f"'localhost:{port}' (not in AVATAR_ALLOWED_HOSTS); using the next source",
        "[member_avatars] events/e.csv, line 2: Avatar URL: refused URL scheme 'ftp'; "
        "using the next source",
    ]
    assert site.avatar("events/e/index.html", "gil-guest")

    # Through the same cache: a rebuild with a fresh cache asks nothing.
    avatar_server.reset_log()
    site.build(caplog)
    assert avatar_server.requests == []
    assert near(site.avatar("members/dana/index.html", "dana").centre_colour(), BLUE)
