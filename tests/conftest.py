import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM inside Playwright tests


@pytest.fixture(autouse=True)
def _forget_sites():
    """The per-process site table may hold rows a test's rolled-back transaction made."""
    from cms.sites import forget_sites

    forget_sites()
    yield
    forget_sites()


@pytest.fixture
def tree(db):
    """Two streets with two communities each, one compound per community (tests.factories)."""
    from tests.factories import build_tree

    return build_tree()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-default-apps",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "bypass_csp": True}
