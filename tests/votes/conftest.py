import pytest

from disclosures.filings.choices import ScopeKind
from tests.filings.helpers import World
from tests.votes.helpers import accepted_filing, add_units, open_vote


@pytest.fixture
def world(tree):
    return World(tree)


@pytest.fixture
def storage_dirs(settings, tmp_path):
    """Uploaded sheets, scans and papers under the test's own directories."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def building_vote(world):
    """An open vote of the three units of 5栋 (89.50 m² each) of the first compound."""
    compound = world.tree.compounds[0]
    add_units(compound, "5栋", [(room, "89.50") for room in ("501", "502", "503")])
    filing = accepted_filing(
        world, scope_kind=ScopeKind.BUILDINGS, buildings=[compound.buildings.get(name="5栋")]
    )
    return open_vote(world, filing)
