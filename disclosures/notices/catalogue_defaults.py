"""The national default catalogue of required disclosures (DOMAIN 5.1, 5.4, 6.6). A region
overrides an item by adding a row with the same code (services.catalogue)."""

from __future__ import annotations

from .choices import Frequency, Publisher

C, P = Publisher.COMMITTEE, Publisher.COMPANY

# (code, name, frequency, publisher, grace days, basis)
DEFAULT_ITEMS: tuple[tuple[str, str, str, str, int, str], ...] = (
    ("rules-covenant", "管理规约", Frequency.ON_CHANGE, C, 30, "DOMAIN 5.1"),
    ("rules-procedure", "业主大会议事规则", Frequency.ON_CHANGE, C, 30, "DOMAIN 5.1"),
    ("decisions", "业主大会、业主委员会的决定", Frequency.ON_CHANGE, C, 30, "DOMAIN 5.1"),
    ("service-contract", "物业服务合同", Frequency.ON_CHANGE, C, 30, "DOMAIN 5.1"),
    ("fund-use", "专项维修资金筹集和使用情况", Frequency.YEARLY, C, 90, "DOMAIN 5.1, 6.1"),
    ("fund-statement", "专项维修资金年度对账和分户账", Frequency.YEARLY, C, 90, "DOMAIN 6.6"),
    ("common-income", "共有部分经营与收益情况", Frequency.YEARLY, C, 90, "DOMAIN 5.1, 5.3"),
    ("parking", "利用共有部分设置车位的处分情况", Frequency.ON_CHANGE, C, 30, "DOMAIN 5.1"),
    ("work-fund", "业主委员会工作经费收支", Frequency.YEARLY, C, 90, "DOMAIN 5.1"),
    (
        "company-services",
        "物业服务事项、标准、人员和收费",
        Frequency.ON_CHANGE,
        P,
        30,
        "DOMAIN 5.4",
    ),
    ("company-contractors", "电梯、消防等设施维保单位", Frequency.ON_CHANGE, P, 30, "DOMAIN 5.4"),
    ("company-common-income", "共有部分经营收益收支", Frequency.QUARTERLY, P, 30, "DOMAIN 5.4"),
    ("company-utilities", "公共水电费分摊情况", Frequency.QUARTERLY, P, 30, "DOMAIN 5.4"),
    ("company-performance", "物业服务合同履行情况", Frequency.HALF_YEARLY, P, 30, "DOMAIN 5.4"),
)
