"""Put what the example community's Mastodon instance and Codeberg would answer into the avatar
cache, from the committed fixtures in tools/example_avatars/, so that `make html` (which builds
offline) shows those members' avatars without any request.

    python tools/seed_example_avatars.py pelicanconf.py

Each answer is written through the plugin's own cache, keyed as a build would key it (the API
URL that the member's handle and the site's AVATAR_*_URL make, and the picture's URL). An
entry the cache holds already, fetched or seeded before, is left as it is. Nothing is fetched.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from pelican.plugins.member_avatars.avatars.lookups import KEY_PREFIX
from pelican.plugins.member_avatars.avatars.sources import social_url
from pelican.plugins.member_avatars.cache.entries import Entry
from pelican.plugins.member_avatars.cache.store import AvatarStore
from pelican.plugins.member_avatars.settings.choices import Source
from pelican.plugins.member_avatars.settings.config import config_of
from pelican.settings import read_settings

FIXTURES = Path(__file__).resolve().parent / "example_avatars"


def seed(store: AvatarStore, key: str, body: bytes, now: float) -> bool:
    """Keep `body` as the answer for `key` unless the cache has one; whether it was new."""
    if store.entry(key) is not None:
        return False
    sha = hashlib.sha256(body).hexdigest()
    store.record_answer(key, Entry(fetched_at=now, body_sha=sha), body=body)
    return True


def main(settings_file: str) -> int:
    config = config_of(read_settings(settings_file))
    fixtures = json.loads((FIXTURES / "answers.json").read_text(encoding="utf-8"))
    now = time.time()
    written = 0
    with AvatarStore.open(config.cache_path) as store:
        for answer in fixtures["answers"]:
            member = SimpleNamespace(**{answer["source"]: answer["field"]})
            source = Source(answer["source"])
            api_url = social_url(source, member, config, max(config.pixel_sizes))
            if api_url is None:
                print(f"{answer['field']!r} is no {answer['source']} handle", file=sys.stderr)
                return 1
            picture = (FIXTURES / answer["file"]).read_bytes()
            written += seed(store, KEY_PREFIX + api_url, answer["picture"].encode(), now)
            written += seed(store, answer["picture"], picture, now)
    print(f"Example avatars: {written} answers put into {config.cache_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "pelicanconf.py"))
