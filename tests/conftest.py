import pytest
from sitebuilder import Site

# `avatar_server`: a local HTTP server that behaves like Gravatar and GitHub; `social_server`
# and `picture_host`: Mastodon, Bluesky, Codeberg, Libravatar and a picture host.
pytest_plugins = ["avatar_server", "social_services"]


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path)
