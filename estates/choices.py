from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省")
    PREFECTURE = 2, _("州/市")
    COUNTY = 3, _("县/市/区")
    STREET = 4, _("街道/乡镇")
    COMMUNITY = 5, _("社区/村")


class AreaSource(models.TextChoices):
    """Which area counts for a unit (DOMAIN 1.6): register, else survey, else contract."""

    REGISTER = "register", _("产权登记面积")
    SURVEYED = "surveyed", _("实测面积")
    CONTRACT = "contract", _("合同约定面积")


class OwnerKind(models.TextChoices):
    PERSON = "person", _("自然人")
    DEVELOPER = "developer", _("建设单位（开发商）")
    ORGANISATION = "organisation", _("其他单位")


class GridRole(models.TextChoices):
    """The four posts on a building's grid sign (DOMAIN 0.1)."""

    HEAD = "head", _("网格长")
    VANGUARD = "vanguard", _("先锋员")
    SECURITY = "security", _("治安员")
    CLEANER = "cleaner", _("保洁员")


class DepartmentKind(models.TextChoices):
    POLICE = "police", _("公安")
    MARKET = "market", _("市场监管")
    FINANCE = "finance", _("金融")
    PETITION = "petition", _("信访")
    HOUSING = "housing", _("住建")
    ENFORCEMENT = "enforcement", _("综合执法")
    DISCIPLINE = "discipline", _("纪检")
    OTHER = "other", _("其他")
