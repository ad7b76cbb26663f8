"""Deterministic demo data: 文山州 as described by the province (DOMAIN 0.5: 873 compounds,
157 property companies, 11 红色物业), optionally inside all of 云南省 (DOMAIN 0.4: 18,800
compounds). Everything comes from fixed random seeds, and registry rows go through
estates.loading, the same code the sheet import uses.

County-level units and towns carry their real names and codes; streets' and communities'
codes follow the national pattern (county + 3 digits, street + 3 digits).

- :mod:`.names`: fixed names, codes and figures;
- :mod:`.plan`: what the demo will hold, decided before anything is written;
- :mod:`.write`: writing a prefecture's plan;
- :mod:`.users`: one demo login per role.
"""

from .names import (
    DEMO_PASSWORD,
    GIVEN,
    OLD_SUFFIXES,
    PREFECTURES,
    PROVINCE,
    SURNAMES,
    WENSHAN,
)
from .plan import CompoundPlan, PrefecturePlan, province_plans, wenshan_plan
from .users import DEMO_USERS, demo_users_ensure
from .write import prefecture_seed

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "GIVEN",
    "OLD_SUFFIXES",
    "PREFECTURES",
    "PROVINCE",
    "SURNAMES",
    "WENSHAN",
    "CompoundPlan",
    "PrefecturePlan",
    "demo_users_ensure",
    "prefecture_seed",
    "province_plans",
    "wenshan_plan",
]
