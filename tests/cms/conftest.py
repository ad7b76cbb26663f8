import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached portal pages must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def portal(db):
    from cms.setup import ensure_portal

    return ensure_portal()
