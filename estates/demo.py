"""Deterministic demo data: 文山州 as described by the province (DOMAIN 0.5: 873 compounds,
157 property companies, 11 红色物业), optionally inside all of 云南省 (DOMAIN 0.4: 18,800
compounds). Everything comes from fixed random seeds, and registry rows go through
estates.loading, the same code the sheet import uses.

County-level units and towns carry their real names and codes; streets' and communities'
codes follow the national pattern (county + 3 digits, street + 3 digits).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Count

from common.validators import credit_code_check_char, id_number_check_char

from . import services
from .choices import AreaSource, DepartmentKind, GridRole, OwnerKind, RegionLevel
from .importing import RegistryRow
from .loading import LoadCounts, bulk_insert, registry_rows_apply
from .models import (
    Building,
    Compound,
    Department,
    DepartmentMembership,
    Grid,
    GridStaff,
    PropertyCompany,
    Region,
)

SEED = 532600
PROVINCE = ("530000", "云南省", "云南")
WENSHAN = ("532600", "文山壮族苗族自治州", "文山州")
WENSHAN_COMPOUNDS = 873  # DOMAIN 0.5
WENSHAN_COMPANIES = 157  # DOMAIN 0.5
WENSHAN_RED = 11  # DOMAIN 0.5
PROVINCE_COMPOUNDS = 18_800  # DOMAIN 0.4
DEMO_PASSWORD = "wenshan-2026"

# (code, name, compounds in the demo, towns: seat first). 873 compounds in all.
WENSHAN_COUNTIES: list[tuple[str, str, int, list[str]]] = [
    (
        "532601",
        "文山市",
        330,
        ["开化街道", "卧龙街道", "新平街道", "古木镇", "平坝镇", "马塘镇", "德厚镇", "追栗街镇"],
    ),
    ("532622", "砚山县", 110, ["江那镇", "平远镇", "稼依镇", "阿猛镇", "维摩彝族乡"]),
    ("532623", "西畴县", 55, ["西洒镇", "兴街镇", "蚌谷乡", "莲花塘乡"]),
    ("532624", "麻栗坡县", 60, ["麻栗镇", "大坪镇", "董干镇", "天保镇"]),
    ("532625", "马关县", 80, ["马白镇", "八寨镇", "仁和镇", "都龙镇", "木厂镇"]),
    ("532626", "丘北县", 75, ["锦屏镇", "曰者镇", "双龙营镇", "八道哨彝族乡"]),
    ("532627", "广南县", 90, ["莲城镇", "八宝镇", "珠街镇", "南屏镇", "坝美镇"]),
    ("532628", "富宁县", 73, ["新华镇", "归朝镇", "剥隘镇", "田蓬镇"]),
]
COUNTY_COMPANIES = {
    "532601": 60,
    "532622": 20,
    "532623": 9,
    "532624": 10,
    "532625": 15,
    "532626": 13,
    "532627": 17,
    "532628": 13,
}  # 157 in all

# Yunnan's 16 prefecture-level units, with some of their real county-level units; the
# share of the province's other 17,927 compounds each one holds.
PREFECTURES: list[tuple[str, str, str, int, list[tuple[str, str]]]] = [
    (
        "530100",
        "昆明市",
        "昆明",
        30,
        [
            ("530102", "五华区"),
            ("530103", "盘龙区"),
            ("530111", "官渡区"),
            ("530112", "西山区"),
            ("530114", "呈贡区"),
        ],
    ),
    (
        "530300",
        "曲靖市",
        "曲靖",
        10,
        [("530302", "麒麟区"), ("530303", "沾益区"), ("530304", "马龙区")],
    ),
    ("530400", "玉溪市", "玉溪", 6, [("530402", "红塔区"), ("530403", "江川区")]),
    ("530500", "保山市", "保山", 4, [("530502", "隆阳区"), ("530581", "腾冲市")]),
    ("530600", "昭通市", "昭通", 6, [("530602", "昭阳区"), ("530621", "鲁甸县")]),
    ("530700", "丽江市", "丽江", 3, [("530702", "古城区"), ("530721", "玉龙纳西族自治县")]),
    ("530800", "普洱市", "普洱", 4, [("530802", "思茅区"), ("530821", "宁洱哈尼族彝族自治县")]),
    ("530900", "临沧市", "临沧", 3, [("530902", "临翔区"), ("530921", "凤庆县")]),
    ("532300", "楚雄彝族自治州", "楚雄州", 5, [("532301", "楚雄市")]),
    (
        "532500",
        "红河哈尼族彝族自治州",
        "红河州",
        9,
        [("532501", "个旧市"), ("532502", "开远市"), ("532503", "蒙自市"), ("532504", "弥勒市")],
    ),
    ("532600", *WENSHAN[1:], 0, []),
    ("532800", "西双版纳傣族自治州", "西双版纳州", 3, [("532801", "景洪市")]),
    ("532900", "大理白族自治州", "大理州", 6, [("532901", "大理市")]),
    ("533100", "德宏傣族景颇族自治州", "德宏州", 3, [("533102", "瑞丽市"), ("533103", "芒市")]),
    ("533300", "怒江傈僳族自治州", "怒江州", 1, [("533301", "泸水市")]),
    ("533400", "迪庆藏族自治州", "迪庆州", 1, [("533401", "香格里拉市")]),
]
GENERIC_STREETS = [
    "东城街道",
    "西城街道",
    "南城街道",
    "北城街道",
    "新城街道",
    "城关镇",
    "和平街道",
    "龙泉街道",
]
COMMUNITY_WORDS = [
    "东风",
    "新华",
    "人民路",
    "建设",
    "文化",
    "城南",
    "城北",
    "龙泉",
    "金鼎",
    "凤凰",
    "盘龙",
    "学府",
    "阳光",
    "兴隆",
    "和平",
    "团结",
    "三七",
    "南桥",
    "北门",
    "滨河",
    "东兴",
    "西华",
]
COMPOUND_WORDS = [
    "阳光",
    "金色",
    "翠湖",
    "龙湖",
    "盘龙",
    "三七",
    "凤凰",
    "锦绣",
    "东方",
    "滨江",
    "学府",
    "紫薇",
    "桂园",
    "明珠",
    "天和",
    "世纪",
    "丽景",
    "金鼎",
    "福瑞",
    "和谐",
    "开化",
    "普阳",
    "兴隆",
    "祥和",
    "怡景",
    "南湖",
    "书香",
    "银杏",
    "香樟",
    "玉兰",
    "康乐",
    "安居",
    "碧水",
    "润城",
    "鑫源",
    "华府",
    "御景",
    "君悦",
    "秀山",
    "文笔",
    "龙潭",
    "花山",
    "七花",
    "老君山",
]
COMPOUND_SUFFIXES = [
    "花园小区",
    "家园",
    "小区",
    "雅苑",
    "新城",
    "佳苑",
    "华庭",
    "名都",
    "嘉园",
    "苑",
]
OLD_EMPLOYERS = [
    "供电局",
    "粮食局",
    "农业银行",
    "第一中学",
    "卫生局",
    "交通局",
    "水务局",
    "烟草公司",
    "邮政局",
    "税务局",
    "人民医院",
    "林业局",
    "电信公司",
    "民族中学",
    "糖厂",
    "磷肥厂",
]
OLD_SUFFIXES = ["家属院", "宿舍", "职工住宅区"]
SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷龙陶农岑侬"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅林成国荣建文云斌波宇浩凯琳雪琴丹"
MOBILE_PREFIXES = (
    "139",
    "138",
    "137",
    "136",
    "150",
    "151",
    "152",
    "158",
    "159",
    "187",
    "188",
    "183",
)
COMPANY_WORDS = [
    "恒安",
    "锦华",
    "盛世",
    "金盾",
    "兴文",
    "祥瑞",
    "开化",
    "优居",
    "佳和",
    "宏达",
    "安泰",
    "嘉禾",
    "绿城",
    "惠民",
    "和顺",
    "文华",
    "鑫达",
    "德润",
    "康泰",
    "宜居",
]
DEPARTMENT_NAMES = {
    DepartmentKind.POLICE: "公安局",
    DepartmentKind.MARKET: "市场监督管理局",
    DepartmentKind.FINANCE: "地方金融监督管理局",
    DepartmentKind.PETITION: "信访局",
    DepartmentKind.HOUSING: "住房和城乡建设局",
    DepartmentKind.ENFORCEMENT: "综合行政执法局",
}


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


def _unit_rows(
    plan: CompoundPlan, people: People, rng: random.Random, developer: tuple[str, str] | None
) -> Iterator[tuple]:
    """Buildings, units and owners of one compound, as (building, entrance, room, area,
    source, [(name, id, kind, phone), ...])."""
    remaining = plan.units
    building_no = 0
    old = plan.units <= 60
    previous_owner = None
    while remaining > 0:
        building_no += 1
        floors = rng.randint(5, 7) if old else rng.choice((6, 7, 11, 18, 26, 33))
        entrances = rng.randint(1, 2) if old else rng.randint(1, 3)
        per_floor = 2
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                for k in range(1, per_floor + 1):
                    if remaining <= 0:
                        return
                    remaining -= 1
                    area = Decimal(rng.triangular(45, 180, 95)).quantize(Decimal("0.01"))
                    roll = rng.random()
                    owners: list[tuple[str, str, str, str]]
                    if developer and roll < 0.06:
                        # Unsold units stay with the developer: one head (DOMAIN 1.6).
                        source = AreaSource.SURVEYED if rng.random() < 0.5 else AreaSource.CONTRACT
                        owners = [(developer[0], developer[1], OwnerKind.DEVELOPER, "")]
                    else:
                        source = (
                            AreaSource.REGISTER
                            if roll < 0.9
                            else AreaSource.SURVEYED
                            if roll < 0.96
                            else AreaSource.CONTRACT
                        )
                        if previous_owner and rng.random() < 0.04:
                            owners = [previous_owner]  # one buyer, several units
                        else:
                            owners = [
                                (
                                    people.name(),
                                    people.id_number(plan.county_code),
                                    OwnerKind.PERSON,
                                    people.phone(),
                                )
                            ]
                            if rng.random() < 0.12:  # co-owned by a couple
                                owners.append(
                                    (
                                        people.name(),
                                        people.id_number(plan.county_code),
                                        OwnerKind.PERSON,
                                        people.phone(),
                                    )
                                )
                        previous_owner = owners[0]
                    yield (
                        f"{building_no}栋",
                        f"{entrance}单元",
                        f"{floor}{k:02d}",
                        area,
                        source,
                        owners,
                    )


def _regions_ensure(specs: list[RegionSpec]) -> dict[str, tuple[int, str]]:
    """Regions by code → (id, path); missing ones inserted level by level."""
    codes = [PROVINCE[0]] + [s.code for s in specs]
    known = {
        code: (pk, path)
        for code, pk, path in Region.objects.filter(code__in=codes).values_list(
            "code", "pk", "path"
        )
    }
    if PROVINCE[0] not in known:
        province = services.region_create(
            code=PROVINCE[0], name=PROVINCE[1], short_name=PROVINCE[2], level=RegionLevel.PROVINCE
        )
        known[PROVINCE[0]] = (province.pk, province.path)
    for level in sorted({s.level for s in specs}):
        todo = [s for s in specs if s.level == level and s.code not in known]
        values = []
        for s in todo:
            parent_id, parent_path = known[s.parent]
            values.append(
                (s.code, s.name, s.short_name, s.level, parent_id, f"{parent_path}{s.code}/")
            )
        ids = bulk_insert(
            Region, ["code", "name", "short_name", "level", "parent_id", "path"], values
        )
        for s, pk, v in zip(todo, ids, values, strict=True):
            known[s.code] = (pk, v[-1])
    return known


def _companies_ensure(plan: PrefecturePlan, regions, people: People) -> dict[str, list[int]]:
    rng = random.Random(plan.seed + 1)
    specs = []
    used = set()
    for county_code, count in plan.companies.items():
        county_name = next(s.name for s in plan.regions if s.code == county_code)
        place = county_name.removesuffix("市").removesuffix("县")
        for _ in range(count):
            while True:
                name = f"{rng.choice(['云南', '文山', place])}{rng.choice(COMPANY_WORDS)}{rng.choice(['物业服务有限公司', '物业管理有限公司'])}"
                if name not in used:
                    used.add(name)
                    break
            specs.append((county_code, name, people.credit_code(county_code, "MA0")))
    existing = dict(
        PropertyCompany.objects.filter(credit_code__in=[s[2] for s in specs]).values_list(
            "credit_code", "pk"
        )
    )
    todo = [s for s in specs if s[2] not in existing]
    ids = bulk_insert(
        PropertyCompany,
        ["name", "credit_code", "region_id", "region_path", "contact_phone"],
        [
            (name, code, *regions[county], f"0876-{rng.randint(2100000, 2199999)}")
            for county, name, code in todo
        ],
    )
    existing.update({s[2]: pk for s, pk in zip(todo, ids, strict=True)})
    result: dict[str, list[int]] = {}
    for county, _name, code in specs:
        result.setdefault(county, []).append(existing[code])
    return result


def _grids_ensure(plan: PrefecturePlan, regions, people: People) -> int:
    """Grids of about 300–500 households covering every building, each with the four
    posts of the building sign (DOMAIN 0.1, 14.2)."""
    prefecture_path = regions[plan.code][1]
    buildings = (
        Building.objects.filter(compound__region_path__startswith=prefecture_path)
        .annotate(n=Count("units"))
        .order_by("compound__region_id", "compound_id", "pk")
        .values_list("pk", "compound__region_id", "n")
    )
    existing = set(
        Grid.objects.filter(region_path__startswith=prefecture_path).values_list("code", flat=True)
    )
    path_of = dict(regions.values())
    code_of = {pk: code for code, (pk, _path) in regions.items()}
    grids: list[tuple] = []
    members: list[tuple[int, list[int]]] = []
    current: list[int] = []
    households = 0
    community = None
    number = 0

    def close() -> None:
        nonlocal current, households
        if current:
            code = f"{code_of[community]}{number:03d}"
            if code not in existing:
                name = f"{community_names[community]}第{number}网格"
                grids.append((community, path_of[community], name, code))
                members.append((len(grids) - 1, current))
        current, households = [], 0

    community_names = dict(Region.objects.filter(pk__in=path_of).values_list("pk", "name"))
    for pk, region_id, n in buildings:
        if region_id != community:
            close()
            community, number = region_id, 0
        if not current:
            number += 1
        current.append(pk)
        households += n
        if households >= 400:
            close()
    close()
    ids = bulk_insert(Grid, ["region_id", "region_path", "name", "code"], grids)
    through = Grid.buildings.through
    bulk_insert(
        through,
        ["grid_id", "building_id"],
        [(ids[i], b) for i, covered in members for b in covered],
    )
    staff = []
    for grid_id in ids:
        for role in (GridRole.HEAD, GridRole.VANGUARD, GridRole.SECURITY, GridRole.CLEANER):
            party = role in (GridRole.HEAD, GridRole.VANGUARD)
            staff.append((grid_id, role, people.name(), people.phone(), party))
    bulk_insert(GridStaff, ["grid_id", "role", "name", "phone", "is_party_member"], staff)
    return len(ids)


def _departments_ensure(plan: PrefecturePlan, regions) -> None:
    counties = [s for s in plan.regions if s.level == RegionLevel.COUNTY]
    existing = set(
        Department.objects.filter(region_id__in=[regions[c.code][0] for c in counties]).values_list(
            "region_id", "kind"
        )
    )
    values = []
    for county in counties:
        pk, path = regions[county.code]
        for kind, suffix in DEPARTMENT_NAMES.items():
            if (pk, kind) not in existing:
                values.append((pk, path, kind, f"{county.name}{suffix}"))
    bulk_insert(Department, ["region_id", "region_path", "kind", "name"], values)


def prefecture_seed(
    plan: PrefecturePlan, *, limit: int | None = None, log: Callable[[str], None] = lambda m: None
) -> LoadCounts:
    """Regions, companies, compounds with their registry rows, grids and departments of one
    prefecture. ``limit`` keeps only the first compounds (for quick tests)."""
    people = People(random.Random(plan.seed + 2))
    with transaction.atomic():
        regions = _regions_ensure(plan.regions)
        companies = _companies_ensure(plan, regions, people)
        compounds = plan.compounds[:limit] if limit is not None else plan.compounds
        rows: list[RegistryRow] = []
        defaults = {}
        rng = random.Random(plan.seed + 3)
        for index, compound in enumerate(compounds):
            community_id, community_path = regions[compound.community_code]
            company = (
                companies[compound.county_code][compound.company_index]
                if compound.company_index is not None
                else None
            )
            defaults[(community_id, compound.name)] = {
                "address": compound.address,
                "property_company_id": company,
                "is_red_property": compound.is_red_property,
                "completed_year": compound.completed_year,
            }
            developer = None
            if compound.completed_year >= 2018:
                place = compound.name[:2]
                developer = (
                    f"{place}{rng.choice(COMPANY_WORDS)}房地产开发有限公司",
                    people.credit_code(compound.county_code, "MA1"),
                )
            for building, entrance, room, area, source, owners in _unit_rows(
                compound, people, rng, developer
            ):
                for name, id_number, kind, phone in owners:
                    rows.append(
                        RegistryRow(
                            0,  # generated, not read from a sheet
                            community_id,
                            community_path,
                            compound.name,
                            building,
                            entrance,
                            room,
                            area,
                            source,
                            name,
                            id_number,
                            kind,
                            phone,
                        )
                    )
            if (index + 1) % 200 == 0:
                log(f"  {index + 1}/{len(compounds)}")
        counts = registry_rows_apply(rows, compound_defaults=defaults)
        _grids_ensure(plan, regions, people)
        _departments_ensure(plan, regions)
    return counts


DEMO_USERS = [
    # username, role, target description
    ("admin", "platform_admin", "全省"),
    ("jiedao", "street_staff", "开化街道"),
    ("shequ", "community_staff", "开化街道第一个社区"),
    ("shencha", "department_reviewer", "文山市"),
    ("yewei", "committee_member", "红色物业小区"),
    ("wuye", "company_staff", "红色物业小区"),
]


def demo_users_ensure() -> list[tuple[str, str, str]]:
    """One login per role (estates.roles), granted through role_assign. Returns
    (username, role name, jurisdiction) for printing."""
    from .roles import ROLES

    User = get_user_model()
    province = Region.objects.get(code=PROVINCE[0])
    street = Region.objects.get(code="532601001")
    community = Region.objects.filter(parent=street).order_by("code").first()
    county = Region.objects.get(code="532601")
    compound = (
        Compound.objects.filter(region_path__startswith=county.path, is_red_property=True)
        .order_by("region_path", "name")
        .first()
        or Compound.objects.filter(region_path__startswith=county.path).order_by("pk").first()
    )
    targets = {
        "platform_admin": province,
        "street_staff": street,
        "community_staff": community,
        "department_reviewer": county,
        "committee_member": compound,
        "company_staff": compound,
    }
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    logins = []
    for username, role, _label in DEMO_USERS:
        target = targets[role]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                is_staff=role == "platform_admin",
                is_superuser=role == "platform_admin",
            )
            user.user_permissions.add(access_admin)
            if target is not None:
                services.role_assign(user=user, role=role, target=target)
            if role == "department_reviewer":
                department = Department.objects.get(region=county, kind=DepartmentKind.POLICE)
                DepartmentMembership.objects.get_or_create(user=user, department=department)
        logins.append((username, str(ROLES[role].name), str(target) if target else "-"))
    return logins
