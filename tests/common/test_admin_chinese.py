"""Chinese throughout (issue "Chinese throughout"): every admin page each role reaches from
its menu, in zh-hans, shows no English word of Wagtail's or Django's user interface, and no
boolean, None or rule number.

The walk follows the admin menu of each role (its links and submenus), each listing's first
edit / inspect / history link, the account page, the search page, and the login page with
and without its error. A page's visible text is its text nodes (scripts, styles and
comments removed) plus placeholders and button values; the menu's own labels are checked
too, since the sidebar renders them from JSON. English words are those of the English
msgids the installed catalogues translate (Wagtail, Django's admin and auth, django-axes,
django-guardian), less proper nouns and file formats.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import django
import pytest
import wagtail
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from wagtail.admin.menu import admin_menu

from committees.elections.services.elections import election_start_vetting
from estates import services
from tests.committees.review_setup import build_vetting
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROLE_TARGET = {
    "platform_admin": "province",
    "street_staff": "street",
    "community_staff": "community",
    "department_reviewer": "street",
    "committee_member": "compound",
    "company_staff": "compound",
}

# Names and formats that stay as they are in Chinese text.
PROPER = {
    "wagtail", "django", "pdf", "csv", "xlsx", "xls", "excel", "url", "urls", "id", "ids",
    "html", "json", "api", "http", "https", "www", "png", "jpg", "jpeg", "gif", "svg", "webp",
    "avif", "utc", "icp", "ip", "sql", "rss", "docx", "zip", "mb", "kb", "gb", "px", "cms",
    "email", "e-mail",
}  # fmt: skip
# Names of records, not interface text: Wagtail's seed groups, workflow, task and root
# page, django-guardian's anonymous user, and the English language's own name.
NAMES = re.compile(r"\b(Moderators approval|Moderators|Editors|Root|AnonymousUser|English)\b")
# English that no catalogue reaches, on settings pages only the superuser opens: the page
# chooser of the group and workflow forms is labelled by its field name (a label for
# screen readers only). Staff roles see none. (The site listing's columns are named in
# Chinese: cms.site_admin; permission names are rewritten in Chinese after each migrate:
# estates.permission_names.)
HARDCODED = {
    "/admin/workflows/edit/": {"Page"},
    "/admin/groups/edit/": {"Page"},
}
LEAKS = re.compile(r"\b(True|False|None|DOMAIN)\b")
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")
SITE = Path(wagtail.__file__).parent.parent


def _msgids(po: Path) -> list[str]:
    text = po.read_text(encoding="utf-8", errors="replace")
    out: list[str] = []
    for block in re.findall(r'^msgid(?:_plural)? ((?:".*"\n?)+)', text, flags=re.M):
        out.append("".join(re.findall(r'"(.*)"', block)))
    return out


def english_words() -> set[str]:
    """Words of the user-interface msgids of Wagtail, Django, axes and guardian."""
    roots = [
        Path(wagtail.__file__).parent,
        Path(django.__file__).parent / "contrib" / "admin",
        Path(django.__file__).parent / "contrib" / "auth",
        Path(django.__file__).parent / "conf",
        Path(django.__file__).parent / "forms",
        SITE / "axes",
        SITE / "guardian",
    ]
    words: set[str] = set()
    for root in roots:
        for locale in root.glob("**/locale"):
            languages = [locale / lang for lang in ("en", "zh_Hans")]  # en: every msgid
            languages += sorted(p for p in locale.iterdir() if p.is_dir())
            language = next(p for p in languages if (p / "LC_MESSAGES" / "django.po").exists())
            for msgid in _msgids(language / "LC_MESSAGES" / "django.po"):
                text = re.sub(r"%\(\w+\)s|%\w|\{\w*\}|<[^>]+>|&\w+;", " ", msgid)
                words.update(w.lower() for w in WORD.findall(text))
    return {w for w in words if len(w) > 2} - PROPER


class _Text(HTMLParser):
    SKIP = {"script", "style", "template", "noscript", "svg"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hrefs: list[str] = []
        self._skip = 0
        self._skipping: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP or "data-side-panel-toggle-counter" in attrs:
            # The side panel's error counter is hidden until a script fills it in.
            self._skip += 1
            self._skipping.append(tag)
            return
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if attrs.get("placeholder"):
            self.parts.append(attrs["placeholder"])
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def offending(text: str, vocabulary: set[str], names: re.Pattern | None = None) -> list[str]:
    """Each English word or leak once, with the text around it (usernames left out)."""
    if names is not None:
        text = names.sub(" ", text)
    text = re.sub(r"https?://\S+|\S+@\S+|/[\w/.-]+", " ", text)
    text = re.sub(r"\s+", " ", NAMES.sub(" ", text))
    found: dict[str, str] = {}
    for match in [*LEAKS.finditer(text), *WORD.finditer(text)]:
        word = match.group(0)
        low = word.lower()
        if word in found or (low not in vocabulary and not LEAKS.fullmatch(word)):
            continue
        found[word] = text[max(match.start() - 20, 0) : match.end() + 20].strip()
    return [f"{word} «{context}»" for word, context in sorted(found.items())]


def hardcoded(url: str, word: str) -> bool:
    for prefix, words in HARDCODED.items():
        if url.startswith(prefix) and (words is None or word in words):
            return True
    return False


def menu_entries(user) -> list[tuple[str, str]]:
    """(label, url) of every item of the user's admin menu, submenus included."""
    request = RequestFactory().get("/admin/")
    request.user = user
    out: list[tuple[str, str]] = []

    def walk(items):
        for item in items:
            submenu = getattr(item, "menu", None)
            if submenu is not None:
                out.append((str(item.label), ""))
                walk(submenu.menu_items_for_request(request))
            else:
                out.append((str(item.label), str(item.url)))

    walk(admin_menu.menu_items_for_request(request))
    return out


# A row's pages: Wagtail's edit, inspect and history; an election's screen, its nomination
# form and a reviewer's answer form (committees.elections).
ROW_LINK = re.compile(
    r"/(?P<kind>edit|inspect|history)/[^/]+/$"
    r"|/reviews/elections/\d+/(?P<nominate>nominate/)?$"
    r"|/reviews/\d+/(?P<record>record)/$"
)


def row_kind(match: re.Match) -> str:
    return match.group("kind") or match.group("record") or match.group("nominate") or "election"


def pages_for(client: Client, user) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The menu entries and {url: html} of every page walked for the user."""
    entries = menu_entries(user)
    seen: dict[str, str] = {}

    def visit(url: str) -> str | None:
        if url in seen:
            return seen[url]
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            seen[url] = ""
            return None
        seen[url] = response.content.decode()
        return seen[url]

    starts = ["/admin/", "/admin/account/", "/admin/pages/search/?q=%E9%98%B3%E5%85%89"]
    starts += [url for _, url in entries if url.startswith("/admin/")]
    for url in starts:  # grows by the rows' pages, whose own links are followed once more
        html = visit(url)
        if not html or url in ("/admin/", "/admin/account/") or "?" in url:
            continue
        base = urlsplit(url).path
        kinds: set[str] = set()
        for href in parse(html).hrefs:
            path = urlsplit(href).path
            match = ROW_LINK.search(path)
            if match and path.startswith(base.rstrip("/").rsplit("/", 1)[0]):
                if row_kind(match) not in kinds and path not in starts:
                    kinds.add(row_kind(match))
                    if row_kind(match) == "election":
                        starts.append(path)  # its nomination form
                    else:
                        visit(path)
    return entries, {url: html for url, html in seen.items() if html}


@pytest.fixture
def staff(tree):
    """One user per role (an election under joint review in 开化街道 gives the election,
    candidate and review screens rows) and a superuser."""
    vetting = build_vetting(tree)
    election_start_vetting(election=vetting.election, actor=vetting.street_staff)
    targets = {
        "province": tree.province,
        "street": tree.streets[0],
        "community": tree.communities[0],
        "compound": tree.compounds[0],
    }
    users = {"superuser": make_user("root_cn", is_superuser=True, is_staff=True)}
    users["street_staff"] = vetting.street_staff
    users["community_staff"] = vetting.community_staff
    users["department_reviewer"] = vetting.police_reviewer
    for role, level in ROLE_TARGET.items():
        if role in users:
            continue
        user = make_user(f"{role}_cn")
        services.role_assign(user=user, role=role, target=targets[level])
        users[role] = user
    return users


def test_every_admin_page_is_chinese_for_every_role(staff):
    vocabulary = english_words()
    failures: list[str] = []

    anonymous = Client()
    login = anonymous.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    error = anonymous.post(
        "/admin/login/",
        {"username": "nobody", "password": "wrong-password"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    for url, html in (("/admin/login/", login), ("/admin/login/ (error)", error)):
        if words := offending(" ".join(parse(html).parts), vocabulary):
            failures.append(f"anonymous {url}: {', '.join(words)}")

    walked: dict[str, set[str]] = {}
    usernames = get_user_model().objects.values_list("username", flat=True)
    names = re.compile("|".join(re.escape(n) for n in sorted(usernames, key=len, reverse=True)))
    for role, user in staff.items():
        client = Client()
        client.force_login(user)
        entries, pages = pages_for(client, user)
        walked[role] = set(pages)
        labels = " ".join(label for label, _ in entries)
        if words := offending(labels, vocabulary, names):
            failures.append(f"{role} menu: {', '.join(words)}")
        for url, html in pages.items():
            words = offending(" ".join(parse(html).parts), vocabulary, names)
            if role == "superuser":
                words = [w for w in words if not hardcoded(url, w.split(" ", 1)[0])]
            if words:
                failures.append(f"{role} {url}: {', '.join(words)}")

    assert "密码" in login and "密码" in error
    # The walk reaches listings, their rows' pages and the election under review.
    street = walked["street_staff"]
    assert any("/inspect/" in url for url in street) and any("/edit/" in url for url in street)
    assert any(re.search(r"/reviews/elections/\d+/$", url) for url in street), street
    assert "/admin/reviews/" in walked["department_reviewer"]
    assert all(len(urls) >= 5 for urls in walked.values()), {r: len(u) for r, u in walked.items()}
    assert not failures, "English in zh-hans:\n" + "\n".join(failures)
