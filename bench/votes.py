"""Votes benchmark (issue item 11), called from bench/run.py after the demo is seeded, or
run alone against a throwaway PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/votes.py

Measures, in one run:
- the tally of a 20,000-unit vote (persons numbered at opening, sides summed in SQL,
  fractions compared in Python) against a raw SQL aggregate over the same ballots
  (target <= 1.5x), and for reference the pure engine over every row;
- importing 20,000 ballots from a CSV file (every row checked, all or nothing);
- rendering the filing form PDF (target <= 0.5 s).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()

from bench.timing import median_seconds, say  # noqa: E402

UNITS = 20_000
PER_BUILDING = 500
CHOICES = ("同意", "同意", "同意", "反对", "弃权", "同意", "反对")


def _users():
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    made = []
    for name in ("bench-vote-clerk", "bench-vote-checker"):
        user = users.filter(username=name).first() or users.create_superuser(
            username=name, email=f"{name}@example.invalid", password=None
        )
        made.append(user)
    return made


def _vote_with_units(clerk):
    """A 20,000-unit building scope in a compound that has a committee: owners one unit
    each, except some owning two units and a developer holding 200 unsold ones (SPC 9)."""
    from django.utils import timezone

    from committees.models import Committee
    from common.validators import credit_code_check_char, id_number_check_char
    from disclosures.filings import services as filings
    from disclosures.filings.choices import MatterType, ScopeKind
    from disclosures.votes import services
    from estates import services as estates
    from estates.choices import OwnerKind
    from estates.loading import bulk_insert
    from estates.models import Building, Owner, Ownership, Unit

    def id_number(i: int) -> str:
        first17 = f"120101{19600101 + (i // 1000) % 28:08d}{i % 1000:03d}"
        return first17 + id_number_check_char(first17)

    committee = Committee.objects.select_related("compound").order_by("pk").first()
    if committee is None:
        raise RuntimeError("no committee: run seed_demo first")
    compound = committee.compound
    buildings = []
    for b in range(UNITS // PER_BUILDING):
        building, _ = Building.objects.get_or_create(compound=compound, name=f"表决测试{b + 1}栋")
        buildings.append(building)
    unit_ids = []
    for b, building in enumerate(buildings):
        unit_ids += bulk_insert(
            Unit,
            ["building_id", "compound_id", "entrance", "room", "exclusive_area", "area_source"],
            [
                (
                    building.pk,
                    compound.pk,
                    f"{r // 100 + 1}单元",
                    f"{r % 100 + 101}",
                    Decimal(60 + (b * PER_BUILDING + r) % 90) + Decimal("0.37"),
                    "register",
                )
                for r in range(PER_BUILDING)
            ],
        )
    developer = estates.owner_create(
        name="表决测试房地产开发有限公司",
        id_number="91532600MB9999999" + credit_code_check_char("91532600MB9999999"),
        kind=OwnerKind.DEVELOPER,
    )
    people = UNITS - 200 - 500  # 500 owners hold two units each
    owner_ids = bulk_insert(
        Owner,
        ["id_number", "name", "kind", "phone"],
        [(id_number(i), f"表决业主{i}", "person", "") for i in range(people)],
    )
    holders = [developer.pk] * 200 + owner_ids + owner_ids[:500]
    bulk_insert(
        Ownership,
        ["owner_id", "unit_id", "compound_id", "is_registered"],
        [(o, u, compound.pk, True) for o, u in zip(holders, unit_ids, strict=True)],
    )
    today = timezone.localdate()
    filing = filings.filing_create(
        actor=clerk,
        committee=committee,
        matter_type=MatterType.HIRE_COMPANY,
        title="选聘物业服务企业（表决基准测试）",
        proposal="公开招标选聘物业服务企业。",
        planned_vote_on=today + timedelta(days=40),
        scope_kind=ScopeKind.BUILDINGS,
        buildings=buildings,
    )
    filings.filing_submit(filing=filing, actor=clerk)
    filings.filing_approve(filing=filing, actor=clerk)
    filings.filing_accept(filing=filing, actor=clerk, on=today - timedelta(days=30))
    vote = services.vote_create(
        filing=filing,
        actor=clerk,
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=10),
        buildings=buildings,
    )
    start = time.perf_counter()
    services.vote_open(vote=vote, actor=clerk)
    return vote, filing, time.perf_counter() - start


def _ballot_file(vote) -> bytes:
    """Every unit's ballot; a person's units carry one choice (SPC 9)."""
    lines = ["楼栋,单元,房号,表决意见"]
    person_choice: dict[int, str] = {}
    for n, (building, entrance, room, person) in enumerate(
        vote.electorate.order_by("pk").values_list("building_name", "entrance", "room", "person")
    ):
        choice = person_choice.setdefault(person, CHOICES[n % len(CHOICES)])
        lines.append(f"{building},{entrance},{room},{choice}")
    return ("\n".join(lines) + "\n").encode("utf-8")


RAW_TALLY = """
SELECT b.choice, COUNT(*), COUNT(DISTINCT e.person), SUM(e.area)
FROM votes_ballot b
JOIN votes_electorateentry e ON e.id = b.entry_id
JOIN votes_ballotbatch t ON t.id = b.batch_id
WHERE b.vote_id = %s AND NOT b.voided AND t.confirmed_at IS NOT NULL
GROUP BY b.choice
"""
RAW_TOTALS = """
SELECT COUNT(*), COUNT(DISTINCT person), SUM(area) FROM votes_electorateentry WHERE vote_id = %s
"""


def raw_tally(vote_id: int) -> tuple:
    """The floor: the same figures by hand-written SQL, nothing checked or judged."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RAW_TOTALS, [vote_id])
        totals = cursor.fetchone()
        cursor.execute(RAW_TALLY, [vote_id])
        return totals, cursor.fetchall()


def filing_pdf_time(filing, user, repeat: int = 5) -> float:
    from disclosures.filings.pdf import filing_form_pdf

    filing_form_pdf(filing=filing, user=user)  # the first render loads WeasyPrint and fonts
    return median_seconds(lambda: filing_form_pdf(filing=filing, user=user), repeat)


def votes_bench() -> dict:
    from disclosures.votes import services
    from disclosures.votes.importing import ballots_import
    from disclosures.votes.selectors import _engine_tally, vote_tally

    clerk, checker = _users()
    vote, filing, t_open = _vote_with_units(clerk)
    data = _ballot_file(vote)
    start = time.perf_counter()
    ballots = ballots_import(vote=vote, actor=clerk, data=data, name="ballots.csv")
    t_import = time.perf_counter() - start
    for batch in vote.batches.all():
        services.batch_confirm(batch=batch, actor=checker)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE votes_ballot")
        cursor.execute("ANALYZE votes_electorateentry")
    result, engine = vote_tally(vote), _engine_tally(vote)
    if result != engine:
        raise RuntimeError("the database tally and the engine disagree")
    raw_totals, _raw = raw_tally(vote.pk)
    if (raw_totals[0], raw_totals[1]) != (result.total.units, result.total.heads):
        raise RuntimeError("the raw aggregate and the tally disagree")
    t_raw = median_seconds(lambda: raw_tally(vote.pk), 15)
    t_tally = median_seconds(lambda: vote_tally(vote), 15)
    t_engine = median_seconds(lambda: _engine_tally(vote), 5)
    t_pdf = filing_pdf_time(filing, clerk)
    return {
        "units": result.total.units,
        "persons": result.total.heads,
        "open_s": t_open,
        "tally_ms": t_tally * 1e3,
        "raw_sql_ms": t_raw * 1e3,
        "tally_ratio": t_tally / t_raw,
        "engine_ms": t_engine * 1e3,
        "ballots_imported": len(ballots),
        "import_s": t_import,
        "filing_pdf_s": t_pdf,
        "outcome": result.outcome,
    }


def report(v: dict) -> None:
    say(
        f"tally of a {v['units']:,}-unit vote ({v['persons']:,} persons) {v['tally_ms']:.1f} ms "
        f"vs raw SQL aggregate {v['raw_sql_ms']:.1f} ms -> {v['tally_ratio']:.2f}x "
        f"(target <= 1.5x); pure engine over every row {v['engine_ms']:.0f} ms"
    )
    say(
        f"import of {v['ballots_imported']:,} ballots {v['import_s']:.1f} s; "
        f"opening the vote (electorate frozen) {v['open_s']:.1f} s"
    )
    say(f"filing form PDF {v['filing_pdf_s']:.2f} s (target <= 0.5 s)")


def main() -> None:
    """Alone: migrate, seed the demo when the database is empty, then measure."""
    import json

    from django.core.management import call_command
    from django.db import connection

    from estates.models import Compound

    say(f"Votes benchmark on {connection.vendor}, {os.cpu_count()} cores")
    call_command("migrate", verbosity=0)
    if not Compound.objects.exists():
        call_command("seed_demo", verbosity=0)
    results = votes_bench()
    report(results)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-votes.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
