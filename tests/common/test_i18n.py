"""The English catalog: complete, valid, compiled, and actually used.

Chinese is the source language (the msgids) and the default; English is selectable with the
portal's language switch (Django's set_language view and its cookie) or Accept-Language.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext not installed")


# --- a tiny .po reader (enough for what makemessages writes) --------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int | None, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a C string literal as gettext writes it


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry, target = Entry(), None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if target is not None or entry.obsolete:
                entries.append(entry)
            entry, target = Entry(), None
        elif line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index) if index is not None else None)
                entry.msgstr[target[1]] = value
            else:
                target = (keyword, None)
                setattr(entry, keyword, value)
        elif line.startswith('"') and target is not None:
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += _unquote(line)
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + _unquote(line))
        else:
            raise AssertionError(f"unexpected line in {path.name}: {raw!r}")
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    entries = read_po(PO)
    assert entries and entries[0].msgid == "", "the catalog starts with its header"
    return entries


# --- (1) every entry translated, nothing fuzzy or obsolete, placeholders kept ---------------

PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdr]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
CJK = re.compile(r"[\u4e00-\u9fff]")


class TestCatalog:
    def test_header(self, po_entries):
        header = po_entries[0]
        assert "fuzzy" not in header.flags
        meta = header.msgstr[None]
        assert "Language: en\n" in meta
        assert "Content-Type: text/plain; charset=UTF-8\n" in meta
        assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in meta

    def test_every_entry_translated(self, po_entries):
        messages = po_entries[1:]
        assert len(messages) > 500
        untranslated = [e.msgid for e in messages if not e.obsolete and not e.translated]
        assert untranslated == []

    def test_no_fuzzy_or_obsolete_entries(self, po_entries):
        assert [e.msgid for e in po_entries if "fuzzy" in e.flags] == []
        assert [e.msgid for e in po_entries if e.obsolete] == []

    def test_plural_entries_have_both_forms(self, po_entries):
        plurals = [e for e in po_entries if e.msgid_plural is not None]
        assert plurals
        for entry in plurals:
            assert sorted(entry.msgstr) == [0, 1], entry.msgid

    def test_placeholders_and_tags_kept(self, po_entries):
        for entry in po_entries[1:]:
            wanted = sorted(PLACEHOLDER.findall(entry.msgid)), sorted(TAG.findall(entry.msgid))
            for text in entry.msgstr.values():
                got = sorted(PLACEHOLDER.findall(text)), sorted(TAG.findall(text))
                assert got == wanted, (entry.msgid, text)

    def test_translations_are_english(self, po_entries):
        # Only the member-list help keeps the Chinese keywords its parser accepts, and the
        # import error names the Chinese area-source words the importer accepts.
        allowed = {"主任", "副主任", "委员", "候补委员", "正式党员", "预备党员", "群众", "是", "否"}
        allowed |= {"产权登记", "实测", "合同"}
        for entry in po_entries[1:]:
            for text in entry.msgstr.values():
                stripped = text
                for word in sorted(allowed, key=len, reverse=True):
                    stripped = stripped.replace(word, "")
                assert not CJK.search(stripped), (entry.msgid, text)

    @needs_msgfmt
    def test_msgfmt_check_passes(self):
        result = subprocess.run(
            ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(PO)],
            capture_output=True,
            text=True,
            env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
            check=False,
        )
        assert result.returncode == 0, result.stderr
        stats = result.stderr.strip()
        assert re.fullmatch(r"\d+ translated messages?\.", stats), stats


# --- (3) the committed .mo is the compiled .po -----------------------------------------------


def _without_pot_date(header: str) -> str:
    """msgfmt leaves POT-Creation-Date out of the .mo, so a new makemessages run that changed
    nothing else does not change the compiled file."""
    return "".join(
        line
        for line in header.splitlines(keepends=True)
        if not line.startswith("POT-Creation-Date:")
    )


def _catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        catalog = dict(gettext.GNUTranslations(handle)._catalog)
    catalog[""] = _without_pot_date(catalog.get("", ""))
    return catalog


def _expected_catalog(entries: list[Entry]) -> dict:
    """What msgfmt puts in the .mo: translated, non-fuzzy entries (plus the header)."""
    catalog: dict = {}
    for entry in entries:
        if entry.obsolete or not entry.translated:
            continue
        if "fuzzy" in entry.flags and entry.msgid:
            continue
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if not key:
            catalog[key] = _without_pot_date(entry.msgstr[None])
        elif entry.msgid_plural is None:
            catalog[key] = entry.msgstr[None]
        else:
            for index, text in entry.msgstr.items():
                catalog[(key, index)] = text
    return catalog


class TestCompiled:
    def test_mo_matches_po(self, po_entries):
        assert MO.exists(), "run: python manage.py compilemessages --ignore=.venv"
        expected = _expected_catalog(po_entries)
        actual = _catalog(MO)
        missing = {k: v for k, v in expected.items() if actual.get(k) != v}
        extra = sorted(str(k) for k in actual.keys() - expected.keys())
        assert not missing and not extra, (
            "locale/en/LC_MESSAGES/django.mo is stale: run compilemessages "
            f"(differs: {list(missing)[:5]}, extra: {extra[:5]})"
        )

    @needs_msgfmt
    def test_mo_matches_fresh_compile(self, tmp_path):
        fresh = tmp_path / "django.mo"
        subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)
        assert _catalog(fresh) == _catalog(MO)


# --- (4) the source-language catalog: each Chinese message is itself ---------------------

SOURCE_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCE_MO = SOURCE_PO.with_suffix(".mo")


def _key(entry: Entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


@pytest.fixture(scope="module")
def source_entries() -> list[Entry]:
    return [e for e in read_po(SOURCE_PO) if not e.obsolete]


class TestSourceCatalog:
    """scripts/source-catalog writes it in `make messages`; without it every Chinese string
    would miss Django's catalogs and walk the whole fallback chain on each lookup."""

    def test_same_messages_as_the_english_catalog(self, po_entries, source_entries):
        english = {_key(e) for e in po_entries if e.msgid and not e.obsolete}
        source = {_key(e) for e in source_entries if e.msgid}
        assert source == english, "run `make messages`"

    def test_every_message_translates_to_itself(self, source_entries):
        wrong = [
            e.msgid
            for e in source_entries
            if e.msgid
            and e.msgstr != ({0: e.msgid} if e.msgid_plural is not None else {None: e.msgid})
        ]
        assert not wrong, wrong[:5]
        assert "Plural-Forms: nplurals=1; plural=0;" in source_entries[0].msgstr[None]

    def test_mo_matches_po(self, source_entries):
        assert _catalog(SOURCE_MO) == _expected_catalog(source_entries), "run compilemessages"

    def test_chinese_lookups_hit_the_catalog(self):
        from django.utils.translation import trans_real

        catalog = trans_real.translation("zh-hans")._catalog
        for message in ("物业治理公开信息", "网格工作人员", "专有部分总面积"):
            assert catalog.get(message) == message
        with translation.override("zh-hans"):
            assert translation.ngettext("%(n)s 个小区", "%(n)s 个小区", 3) == "%(n)s 个小区"


# --- (2) English is used where it is asked for; Chinese stays the default --------------------


class TestEnglish:
    def test_model_and_choice_labels(self):
        from committees.choices import CommitteeKind
        from estates.choices import GridRole, RegionLevel
        from estates.models import Compound

        with translation.override("en"):
            assert str(Compound._meta.verbose_name) == "Compound"
            assert str(RegionLevel.PROVINCE.label) == "Province"
            assert str(RegionLevel.STREET.label) == "Street / township"
            assert str(GridRole.HEAD.label) == "Grid head"
            assert str(CommitteeKind.OWNERS.label) == "Owners' committee"
        with translation.override("zh-hans"):
            assert str(Compound._meta.verbose_name) == "小区"
            assert str(RegionLevel.PROVINCE.label) == "省"

    def test_placeholders_and_plurals_render(self):
        with translation.override("en"):
            assert translation.ngettext("%(n)s 个小区", "%(n)s 个小区", 1) % {"n": 1} == (
                "1 compound"
            )
            assert translation.ngettext("%(n)s 个小区", "%(n)s 个小区", 3) % {"n": 3} == (
                "3 compounds"
            )
            assert translation.gettext("第%(number)s届") % {"number": 2} == "Term 2"


@pytest.fixture
def portal(db):
    from cms.setup import ensure_portal

    cache.clear()
    yield ensure_portal()
    cache.clear()


@pytest.mark.django_db
class TestPortalLanguage:
    def test_chinese_by_default(self, client, portal):
        html = client.get("/").content.decode()
        assert '<html lang="zh-Hans">' in html
        assert "<title>首页 · 物业治理公开信息</title>" in html

    def test_english_by_accept_language(self, client, portal):
        client.get("/")  # a cached Chinese page must not be served to an English reader
        html = client.get("/", headers={"accept-language": "en"}).content.decode()
        assert '<html lang="en">' in html
        assert "<title>Home · Property Governance Public Information</title>" in html
        assert "Skip to main content" in html
        assert "首页" not in html

    def test_english_by_language_switch(self, client, portal):
        response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert response.status_code == 302
        assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        html = client.get("/").content.decode()
        assert "<title>Home · Property Governance Public Information</title>" in html
        assert 'aria-current="true">English</a>' in html
        client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
        assert "<title>首页 · 物业治理公开信息</title>" in client.get("/").content.decode()


def test_catalog_holds_every_message_in_the_code(settings, tmp_path, monkeypatch):
    """Extracting the messages again finds nothing the English catalog lacks, so no
    string slips past translation (a gettext call inside an f-string, which extraction
    cannot see, shows up as a message missing from the catalog instead). Extraction runs
    on a copy of the sources: it writes temporary files next to the templates it reads."""
    import shutil
    from pathlib import Path

    from django.core.management import call_command

    root = Path(settings.BASE_DIR)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in (
        "cms",
        "committees",
        "common",
        "config",
        "disclosures",
        "estates",
        "locale",
        "templates",
    ):
        shutil.copytree(root / package, tmp_path / package, ignore=skip)
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    call_command("makemessages", locale=["en"], verbosity=0)

    def ids(path: Path) -> set[str]:
        text = path.read_text(encoding="utf-8")
        return set(re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE))

    fresh = ids(tmp_path / "locale/en/LC_MESSAGES/django.po")
    committed = ids(root / "locale/en/LC_MESSAGES/django.po")
    assert fresh - committed == set(), "run `make messages` and translate the new entries"
    assert committed - fresh == set(), "the catalog keeps messages the code no longer has"
