"""Registers the jurisdiction permission policy for every registry model (STYLE §2.5).

Imported at the top of ``estates.wagtail_hooks`` so the policies exist before any viewset
or menu asks Wagtail's registry for them; asking first would create a plain fallback
policy and make registration fail.
"""

from __future__ import annotations

from django.db.models import Model
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from common.permission_policies import JurisdictionPermissionPolicy

from .models import (
    Building,
    Compound,
    Department,
    Grid,
    GridStaff,
    Owner,
    Ownership,
    PropertyCompany,
    Region,
    Unit,
)

SCOPED_MODELS: tuple[type[Model], ...] = (
    Region,
    PropertyCompany,
    Compound,
    Building,
    Unit,
    Owner,
    Ownership,
    Grid,
    GridStaff,
    Department,
)


def register_policies() -> None:
    """Idempotent: the hooks module may be imported more than once in tests."""
    for model in SCOPED_MODELS:
        if policy_registry.get_by_type(model, fallback=False) is None:
            register_permission_policy(model, JurisdictionPermissionPolicy(model), exact_class=True)


def policy_for(model: type[Model]) -> BasePermissionPolicy:
    return policy_registry.get_by_type(model)


register_policies()
