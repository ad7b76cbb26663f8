"""Shared helpers for the back-office tests: officers with one role and one grant."""

from __future__ import annotations

from django.urls import reverse

from estates import services
from tests.factories import make_user


def officer(role: str, target=None, username: str | None = None):
    user = make_user(username)
    services.role_assign(user=user, role=role, target=target)
    return user


def url(model: str, view: str = "index", pk: int | None = None) -> str:
    name = f"estates_{model}:{view}"
    return reverse(name, args=[pk]) if pk is not None else reverse(name)
