import pytest
from sitebuilder import Site

# The `avatar_server` fixture: a local HTTP server that behaves like Gravatar and GitHub.
pytest_plugins = ["avatar_server"]


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path)
