from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    """How often a catalogue item must be published (DOMAIN 5.1, 6.6)."""

    ON_CHANGE = "on_change", _("发生变化时")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")


class Publisher(models.TextChoices):
    """The body that must publish an item: the committee (DOMAIN 5.1, 6.6) or the property
    company (DOMAIN 5.4)."""

    COMMITTEE = "committee", _("业主委员会（物业管理委员会）")
    COMPANY = "company", _("物业服务企业")


class Compliance(models.TextChoices):
    DONE = "done", _("已公示")
    DUE = "due", _("待公示")
    OVERDUE = "overdue", _("逾期未公示")


class AccountSide(models.TextChoices):
    INCOME = "income", _("收入")
    EXPENSE = "expense", _("支出")
