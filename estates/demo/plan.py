"""What the demo will hold, decided before anything is written: regions, compounds and
their sizes, and the people who own the units, all from fixed random seeds."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from common.validators import credit_code_check_char, id_number_check_char

from ..choices import RegionLevel
from .names import (
    COMMUNITY_WORDS,
    COMPOUND_SUFFIXES,
    COMPOUND_WORDS,
    COUNTY_COMPANIES,
    GENERIC_STREETS,
    GIVEN,
    MOBILE_PREFIXES,
    OLD_EMPLOYERS,
    OLD_SUFFIXES,
    PREFECTURES,
    PROVINCE,
    PROVINCE_COMPOUNDS,
    SEED,
    SURNAMES,
    WENSHAN,
    WENSHAN_COMPANIES,
    WENSHAN_COMPOUNDS,
    WENSHAN_COUNTIES,
    WENSHAN_RED,
)


@dataclass
class CompoundPlan:
    community_code: str
    county_code: str
    name: str
    units: int
    completed_year: int
    address: str
    company_index: int | None = None  # into the county's companies
    is_red_property: bool = False


@dataclass
class People:
    """Unique, valid identity numbers and plausible names for one prefecture."""

    rng: random.Random
    used_ids: set[str] = field(default_factory=set)
    credit_serial: int = 0

    def name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def id_number(self, county: str) -> str:
        while True:
            birth = f"{self.rng.randint(1940, 2004)}{self.rng.randint(1, 12):02d}{self.rng.randint(1, 28):02d}"
            first17 = f"{county}{birth}{self.rng.randint(0, 999):03d}"
            value = first17 + id_number_check_char(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"

    def credit_code(self, county: str, kind: str = "MA") -> str:
        self.credit_serial += 1
        first17 = f"91{county}{kind}{self.credit_serial:0{9 - len(kind)}d}"
        return first17 + credit_code_check_char(first17)


@dataclass
class RegionSpec:
    code: str
    name: str
    level: int
    parent: str | None
    short_name: str = ""


@dataclass
class PrefecturePlan:
    code: str
    regions: list[RegionSpec]
    compounds: list[CompoundPlan]
    companies: dict[str, int]  # county code → number of companies
    seed: int


def _split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that add up to total exactly."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[
        : total - sum(counts)
    ]:
        counts[i] += 1
    return counts


def _sizes(rng: random.Random, count: int, profile: str) -> list[int]:
    """Compound sizes: a few big estates, many mid-sized, some small old ones."""
    if profile == "wenshan":
        big, small = 12, 150
        sizes = [rng.randint(1000, 2400) for _ in range(big)]
        sizes += [rng.randint(20, 60) for _ in range(small)]
        sizes += [rng.randint(100, 400) for _ in range(max(0, count - big - small))]
    else:
        big, small = count * 3 // 100, count * 40 // 100
        sizes = [rng.randint(400, 1000) for _ in range(big)]
        sizes += [rng.randint(20, 60) for _ in range(small)]
        sizes += [rng.randint(60, 150) for _ in range(count - big - small)]
    sizes = sizes[:count]
    rng.shuffle(sizes)
    return sizes


def _prefecture_plan(
    code: str,
    name: str,
    short: str,
    counties: list[tuple[str, str, int, list[str]]],
    *,
    compounds: int,
    companies: int,
    red: int,
    seed: int,
    profile: str,
) -> PrefecturePlan:
    rng = random.Random(seed)
    regions = [RegionSpec(code, name, RegionLevel.PREFECTURE, PROVINCE[0], short)]
    plans: list[CompoundPlan] = []
    sizes = _sizes(rng, compounds, profile)
    per_county = _split(compounds, [c[2] for c in counties])
    used_community_names: set[str] = set()
    for (county_code, county_name, _weight, towns), county_total in zip(
        counties, per_county, strict=True
    ):
        regions.append(RegionSpec(county_code, county_name, RegionLevel.COUNTY, code))
        communities: list[tuple[str, str, str]] = []  # code, name, town
        # The seat (first towns) holds most compounds.
        town_weights = [6 if i < (3 if "街道" in towns[0] else 1) else 1 for i in range(len(towns))]
        for t, town in enumerate(towns, start=1):
            town_code = f"{county_code}{t:03d}"
            regions.append(RegionSpec(town_code, town, RegionLevel.STREET, county_code))
            stem = (
                town.removesuffix("街道")
                .removesuffix("彝族乡")
                .removesuffix("镇")
                .removesuffix("乡")
            )
            words = rng.sample(COMMUNITY_WORDS, k=2 + town_weights[t - 1])
            for c, word in enumerate(words, start=1):
                community_name = f"{word}社区"
                if community_name in used_community_names:
                    community_name = f"{stem}{word}社区"
                used_community_names.add(community_name)
                community_code = f"{town_code}{c:03d}"
                regions.append(
                    RegionSpec(community_code, community_name, RegionLevel.COMMUNITY, town_code)
                )
                communities.append((community_code, community_name, town))
        weights = [
            town_weights[next(i for i, t in enumerate(towns) if t == town)]
            for _code, _name, town in communities
        ]
        per_community = _split(county_total, weights)
        county_companies = COUNTY_COMPANIES.get(county_code, 0) if profile == "wenshan" else 0
        names_in: dict[str, set[str]] = {}
        for (community_code, _community_name, town), n in zip(
            communities, per_community, strict=True
        ):
            taken = names_in.setdefault(community_code, set())
            for _ in range(n):
                units = sizes[len(plans)]
                old = units <= 60
                while True:
                    if old:
                        candidate = rng.choice(OLD_EMPLOYERS) + rng.choice(OLD_SUFFIXES)
                    else:
                        candidate = rng.choice(COMPOUND_WORDS) + rng.choice(COMPOUND_SUFFIXES)
                    if candidate in taken:
                        candidate = f"{candidate.removesuffix('小区')}{rng.choice('二三四五')}期"
                    if candidate not in taken:
                        taken.add(candidate)
                        break
                year = rng.randint(1985, 2003) if old else rng.randint(2004, 2024)
                road = rng.choice(COMMUNITY_WORDS)
                plans.append(
                    CompoundPlan(
                        community_code=community_code,
                        county_code=county_code,
                        name=candidate,
                        units=units,
                        completed_year=year,
                        address=f"{county_name}{town}{road}路{rng.randint(1, 300)}号",
                    )
                )
        county_plans = [p for p in plans if p.county_code == county_code]
        if county_companies:
            # Newer compounds all have a company; old ones about half.
            for p in county_plans:
                if p.completed_year >= 2004 or rng.random() < 0.5:
                    p.company_index = rng.randrange(county_companies)
    if profile == "wenshan":
        managed = [p for p in plans if p.company_index is not None and p.units >= 100]
        for p in rng.sample(managed, k=red):
            p.is_red_property = True
    return PrefecturePlan(
        code=code,
        regions=regions,
        compounds=plans,
        companies={c[0]: COUNTY_COMPANIES.get(c[0], 0) for c in counties}
        if profile == "wenshan"
        else {},
        seed=seed,
    )


def wenshan_plan() -> PrefecturePlan:
    return _prefecture_plan(
        *WENSHAN,
        WENSHAN_COUNTIES,
        compounds=WENSHAN_COMPOUNDS,
        companies=WENSHAN_COMPANIES,
        red=WENSHAN_RED,
        seed=SEED,
        profile="wenshan",
    )


def province_plans() -> list[PrefecturePlan]:
    """All 16 prefecture-level units; 文山州 is exactly the demo's 文山州."""
    others = [p for p in PREFECTURES if p[0] != WENSHAN[0]]
    shares = _split(PROVINCE_COMPOUNDS - WENSHAN_COMPOUNDS, [p[3] for p in others])
    share_of = {p[0]: s for p, s in zip(others, shares, strict=True)}
    plans = []
    for code, name, short, _weight, counties in PREFECTURES:
        if code == WENSHAN[0]:
            plans.append(wenshan_plan())
            continue
        rng = random.Random(int(code))
        county_specs = []
        for county_code, county_name in counties:
            streets = rng.sample(GENERIC_STREETS, k=4)
            county_specs.append((county_code, county_name, 1, streets))
        plans.append(
            _prefecture_plan(
                code,
                name,
                short,
                county_specs,
                compounds=share_of[code],
                companies=0,
                red=0,
                seed=int(code),
                profile="other",
            )
        )
    return plans
