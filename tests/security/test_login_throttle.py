"""Repeated failed logins lock the account and the address for a cool-off (django-axes):
through the admin's login form and through the API's basic auth, which count together."""

from __future__ import annotations

import base64
import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings

from estates import services
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
API = "/api/registry/compounds/"
PASSWORD = "pw-12345678"
LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit():
    with override_settings(AXES_FAILURE_LIMIT=LIMIT):
        yield


def login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def basic(client, username, password, ip="10.0.0.1"):
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return client.get(API, HTTP_AUTHORIZATION=f"Basic {token}", REMOTE_ADDR=ip)


def street_officer(tree, username):
    user = make_user(username)
    services.role_assign(user=user, role="street_staff", target=tree.streets[0])
    return user


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_configured_limit_and_cool_off_are_reasonable():
    # What every environment runs with (the tests lower the limit to be quick).
    from config.settings import base

    assert 3 <= base.AXES_FAILURE_LIMIT <= 20
    assert datetime.timedelta(minutes=5) <= base.AXES_COOLOFF_TIME <= datetime.timedelta(hours=24)
    assert base.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_admin_login_locks_the_account_after_repeated_failures(client):
    user = make_user("kaihua_officer")
    for _ in range(LIMIT - 1):
        assert login(client, user.username, "wrong").status_code == 200
    locked = login(client, user.username, "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "登录失败次数过多" in text and "15 分钟" in text
    assert locked["Retry-After"] == str(15 * 60)
    # The right password from another address is refused too: the account is locked.
    refused = login(client, user.username, PASSWORD, ip="10.9.9.9")
    assert refused.status_code == 429
    assert not signed_in(client)


def test_admin_login_locks_the_address_across_accounts(client):
    make_user("victim")
    for i in range(LIMIT):
        login(client, f"guess{i}", "wrong", ip="10.0.0.7")
    # A real account from that address is refused; from elsewhere it signs in.
    assert login(client, "victim", PASSWORD, ip="10.0.0.7").status_code == 429
    assert not signed_in(client)
    response = login(client, "victim", PASSWORD, ip="10.0.0.8")
    assert response.status_code == 302
    assert signed_in(client)


def test_lock_ends_after_the_cool_off(client):
    user = make_user()
    for _ in range(LIMIT):
        login(client, user.username, "wrong")
    assert login(client, user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME * 2
    )
    assert login(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_signing_in_to_ones_own_account_does_not_clear_the_address(client):
    """Someone with an account cannot keep guessing another's password by signing in to
    their own between guesses."""
    make_user("victim")
    own = make_user("insider")
    for _ in range(LIMIT - 1):
        login(client, "victim", "guess", ip="10.0.0.9")
        assert login(client, own.username, PASSWORD, ip="10.0.0.9").status_code == 302
        client.logout()
    assert login(client, "victim", "guess", ip="10.0.0.9").status_code == 429
    assert login(client, "victim", PASSWORD, ip="10.0.0.10").status_code == 429


def test_api_basic_auth_failures_are_counted_and_locked(client, tree):
    street_officer(tree, "script_user")
    assert basic(client, "script_user", PASSWORD).status_code == 200
    for _ in range(LIMIT - 1):
        assert basic(client, "script_user", "wrong").status_code == 401
    locked = basic(client, "script_user", "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.json()["detail"]
    # Even the right password is refused while locked.
    assert basic(client, "script_user", PASSWORD, ip="10.3.3.3").status_code == 429


def test_admin_and_api_failures_count_together(client, tree):
    street_officer(tree, "mixed_user")
    login(client, "mixed_user", "wrong")
    basic(client, "mixed_user", "wrong")
    assert login(client, "mixed_user", "wrong").status_code == 429
    assert basic(client, "mixed_user", PASSWORD).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_address_is_counted(client):
    """A client cannot escape the address count by sending its own X-Forwarded-For: only
    the entry the trusted proxy appended counts."""
    make_user("victim")
    for i in range(LIMIT):
        client.post(
            LOGIN,
            {"username": f"guess{i}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 198.51.100.5",
        )
    blocked = client.post(
        LOGIN,
        {"username": "victim", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.5",
    )
    assert blocked.status_code == 429
    other = client.post(
        LOGIN,
        {"username": "victim", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.6",
    )
    assert other.status_code == 302
