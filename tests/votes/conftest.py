import pytest

from tests.filings.helpers import World


@pytest.fixture
def world(tree):
    return World(tree)
