import pytest

from estates import services
from tests.factories import make_user


@pytest.fixture
def as_role(db):
    """as_role("street_staff", region) → a signed-in user with that role over the target."""

    def build(role: str, target, username: str | None = None):
        user = make_user(username)
        services.role_assign(user=user, role=role, target=target)
        return user

    return build
