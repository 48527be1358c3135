import pytest
from avatar_server import avatar_server  # noqa: F401  (fixture)
from sitebuilder import Site


@pytest.fixture
def site(tmp_path):
    return Site(tmp_path)
