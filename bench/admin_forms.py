"""The admin forms as a street officer sees them (issue 8: every admin form opens in under
0.5 s server time at province scale for a street officer).

Opens the add form and the edit form of every model viewset of our apps as the officer:
the edit form on the newest object the officer may manage. A form that answers with a
redirect inside the admin (e.g. an election's add button leads to choosing a compound) is
measured where it leads; a form the officer may not open (403, Wagtail's redirect to the
admin home, or 404) is listed as skipped, not measured. Each form is timed in
process (the server's time, no network) as the median of a few requests after one warm-up,
with its query count and its longest dropdown, and against the bare Django view in the
same process, so the ratio does not depend on the machine.
"""

from __future__ import annotations

import re
import statistics
import time
from urllib.parse import urlsplit

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

#: The apps whose viewsets are ours (Wagtail's own sites, users and groups are not).
APPS = {"estates", "committees", "filings", "votes", "notices"}
#: The target of issue 8, item 3.
TARGET_S = 0.5
REPEAT = 5
BARE = "/bench/bare/"


def our_form_urls(user) -> list[tuple[str, str]]:
    """(label, URL) of the add and edit form of each of our model viewsets; the edit form
    on the newest object in the user's manage jurisdiction, if there is one."""
    from wagtail.admin.viewsets import viewsets
    from wagtail.admin.viewsets.model import ModelViewSet

    from common.access import scoped
    from common.jurisdiction import MANAGE

    forms = []
    for viewset in viewsets.viewsets:
        if not isinstance(viewset, ModelViewSet):
            continue
        model = viewset.model
        if model._meta.app_label not in APPS:
            continue
        label = f"{model._meta.app_label}.{model.__name__}"
        forms.append((f"{label} add", reverse(viewset.get_url_name("add"))))
        try:
            candidates = scoped(model, user=user, level=MANAGE)
        except (AttributeError, TypeError, NotImplementedError):
            candidates = model._default_manager.all()  # no jurisdiction (e.g. the calendar)
        obj = candidates.order_by("-pk").only("pk").first()
        if obj is not None:
            forms.append((f"{label} edit", reverse(viewset.get_url_name("edit"), args=[obj.pk])))
    return forms


def _get(client: Client, url: str):
    """The response of ``url``, following a redirect to another admin form; a redirect
    to the admin home is Wagtail's answer to a user without the permission (403)."""
    response = client.get(url)
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location == reverse("wagtailadmin_home"):
        response.status_code = 403
    elif location.startswith("/admin/") and "/login/" not in location:
        return _get(client, location)
    return response, url


def _median_time(client: Client, url: str, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def largest_select(html: str) -> int:
    """Options of the form's longest dropdown (a page of them at most, issue 8)."""
    selects = re.findall(r"<select\b.*?</select>", html, flags=re.S)
    return max((len(re.findall(r"<option\b", select)) for select in selects), default=0)


def measure_forms(user, *, repeat: int = REPEAT) -> dict:
    """Every form's median server time (s) and query count, the slowest, the forms the
    user could not open, and the slowest against the bare view."""
    client = Client()
    client.force_login(user)
    client.get(BARE)
    bare = _median_time(client, BARE, repeat)
    measured, skipped = {}, {}
    for label, url in our_form_urls(user):
        response, final = _get(client, url)  # warm-up, and where the button leads
        if response.status_code != 200:
            skipped[label] = response.status_code
            continue
        with CaptureQueriesContext(connection) as queries:
            page = client.get(final).content.decode()
        count = len(queries)  # now: the next request clears the connection's log
        measured[label] = {
            "url": urlsplit(final).path,
            "seconds": _median_time(client, final, repeat),
            "queries": count,
            "options": largest_select(page),
        }
    slowest = max(measured, key=lambda k: measured[k]["seconds"], default=None)
    return {
        "forms": measured,
        "skipped": skipped,
        "bare_s": bare,
        "slowest": slowest,
        "slowest_s": measured[slowest]["seconds"] if slowest else None,
        "ratio_to_bare": measured[slowest]["seconds"] / bare if slowest else None,
        "target_s": TARGET_S,
    }


def admin_forms_bench() -> dict:
    """As the demo's street officer (jiedao, 开化街道), at the scale seeded."""
    from django.contrib.auth import get_user_model

    return measure_forms(get_user_model().objects.get(username="jiedao"))


def report(r: dict, say=print) -> None:
    if r["slowest"] is None:
        say("admin forms: none measured")
        return
    verdict = "within" if r["slowest_s"] < r["target_s"] else "OVER"
    say(
        f"slowest admin form for a street officer: {r['slowest']} "
        f"{r['slowest_s'] * 1e3:.0f} ms server time ({verdict} the {r['target_s']:.1f} s target), "
        f"{r['ratio_to_bare']:.0f}x the bare view ({r['bare_s'] * 1e3:.1f} ms); "
        f"{len(r['forms'])} forms measured, {len(r['skipped'])} not open to the officer"
    )
    ranked = sorted(r["forms"].items(), key=lambda kv: -kv[1]["seconds"])[:5]
    for label, f in ranked:
        say(
            f"  {label:36} {f['seconds'] * 1e3:7.1f} ms {f['queries']:3d} queries "
            f"{f['options']:4d} options at most"
        )
    widest = max(r["forms"], key=lambda k: r["forms"][k]["options"])
    say(f"  longest dropdown: {widest}, {r['forms'][widest]['options']} options")
