"""The national default catalogue of required disclosures (DOMAIN 5.1, 5.4, 6.6). A region
overrides an item by adding a row with the same code (services.catalogue)."""

from __future__ import annotations

from .choices import Frequency, Publisher

C, P = Publisher.COMMITTEE, Publisher.COMPANY

# The legal basis shown to staff (DOMAIN 5.1: GR 36; 5.3: CC 282; 5.4: CC 943; 6.1: CC 281;
# 6.6: MF 30).
GR36 = "《业主大会和业主委员会指导规则》第三十六条"
CC281 = "《民法典》第二百八十一条"
CC282 = "《民法典》第二百八十二条"
CC943 = "《民法典》第九百四十三条"
MF30 = "《住宅专项维修资金管理办法》第三十条"
BASIS = {
    "DOMAIN 5.1": GR36,
    "DOMAIN 5.1, 6.1": f"{GR36}；{CC281}",
    "DOMAIN 6.6": MF30,
    "DOMAIN 5.1, 5.3": f"{GR36}；{CC282}",
    "DOMAIN 5.4": CC943,
}

# (code, name, frequency, publisher, grace days, basis)
DEFAULT_ITEMS: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("rules-covenant", "管理规约", Frequency.ON_CHANGE, C, 30, GR36),
    ("rules-procedure", "业主大会议事规则", Frequency.ON_CHANGE, C, 30, GR36),
    ("decisions", "业主大会、业主委员会的决定", Frequency.ON_CHANGE, C, 30, GR36),
    ("service-contract", "物业服务合同", Frequency.ON_CHANGE, C, 30, GR36),
    ("fund-use", "专项维修资金筹集和使用情况", Frequency.YEARLY, C, 90, f"{GR36}；{CC281}"),
    ("fund-statement", "专项维修资金年度对账和分户账", Frequency.YEARLY, C, 90, MF30),
    ("common-income", "共有部分经营与收益情况", Frequency.YEARLY, C, 90, f"{GR36}；{CC282}"),
    ("parking", "利用共有部分设置车位的处分情况", Frequency.ON_CHANGE, C, 30, GR36),
    ("work-fund", "业主委员会工作经费收支", Frequency.YEARLY, C, 90, GR36),
    (
        "company-services",
        "物业服务事项、标准、人员和收费",
        Frequency.ON_CHANGE,
        P,
        30,
        CC943,
    ),
    ("company-contractors", "电梯、消防等设施维保单位", Frequency.ON_CHANGE, P, 30, CC943),
    ("company-common-income", "共有部分经营收益收支", Frequency.QUARTERLY, P, 30, CC943),
    ("company-utilities", "公共水电费分摊情况", Frequency.QUARTERLY, P, 30, CC943),
    ("company-performance", "物业服务合同履行情况", Frequency.HALF_YEARLY, P, 30, CC943),
)
