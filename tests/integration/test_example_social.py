"""The example site's Mastodon and Codeberg members, built as `make html` builds them: the
committed answers seeded into the cache, then an offline build (no request)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import shutil
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings
from sitebuilder import avatars_in
from test_privacy import SERVICE_URLS

REPO = Path(__file__).resolve().parents[2]
SEEDED = {
    "fatima-el-amrani": "Mastodon",
    "odon-varga": "Mastodon",
    "noor-haddad": "Codeberg",
    "priya-raghavan": "Codeberg",
}


def seed_tool():
    spec = importlib.util.spec_from_file_location(
        "seed", REPO / "tools" / "seed_example_avatars.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_html_shows_the_seeded_avatars_without_a_request(tmp_path, caplog, monkeypatch):
    for name in ("content", "site"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy2(REPO / "pelicanconf.py", tmp_path / "pelicanconf.py")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AVATAR_OFFLINE", raising=False)
    assert seed_tool().main("pelicanconf.py") == 0
    settings = read_settings("pelicanconf.py", override={"OUTPUT_PATH": str(tmp_path / "output")})
    assert settings["AVATAR_OFFLINE"] is True
    with caplog.at_level(logging.DEBUG, logger="pelican.plugins.member_avatars"):
        Pelican(settings).run()
    (summary,) = [r.getMessage() for r in caplog.records if "Avatars:" in r.getMessage()]
    assert "4 from cache" in summary
    assert "(0 requests)" in summary
    page = (tmp_path / "output" / "members" / "index.html").read_text(encoding="utf-8")
    shown = {avatar.slug: avatar.data for avatar in avatars_in(page) if avatar.size == 48}
    fixtures = json.loads((REPO / "tools" / "example_avatars" / "answers.json").read_text())
    assert len(fixtures["answers"]) == len(SEEDED)
    # Each seeded member's avatar is the service's picture, from the cache.
    lines = [r.getMessage() for r in caplog.records]
    for slug, service in SEEDED.items():
        assert f"{slug}.md: {service}: from the cache" in "\n".join(lines), slug
    assert len({hashlib.sha256(shown[slug]).hexdigest() for slug in SEEDED}) == len(SEEDED)
    # The privacy scan: no API or picture URL in any output file.
    pictures = [answer["picture"].encode() for answer in fixtures["answers"]]
    for path in (tmp_path / "output").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [url for url in pictures if url in data], path
            assert not [p.pattern for p in SERVICE_URLS if p.search(data)], path
