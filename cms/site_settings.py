"""Who runs the public site, as its footer states: the operating body, how to reach it, and
the filing numbers every website in China must show (ICP 备案号, 公安联网备案号).

Edited by the platform administrator under 设置 › 门户网站信息 (Wagtail site settings; the
permission ``cms.change_portalsettings`` belongs to that role alone). Public pages must not
pay a query for it (≤ 6 per page): the settings are joined to the site in the per-process
site table (cms.sites); saving them moves the portal generation (cms.signals), so every
process reloads the table and every cached page, which carries the footer, drops.
"""

from __future__ import annotations

import re

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import GroupSitePermission, Site
from wagtail.permission_policies.sites import SitePermissionPolicy

from common.validators import validate_phone

ICP_LOOKUP_URL = "https://beian.miit.gov.cn/"
POLICE_LOOKUP_URL = "https://beian.mps.gov.cn/#/query/webSearch?code="
DEFAULT_HOTLINE = "12345"


class ModelOnlySitePermissionPolicy(SitePermissionPolicy):
    """Only the model permission counts (``cms.change_portalsettings``, held by the platform
    administrator's role), never per-site group grants: the admin menu then asks nothing
    of the database on every page to decide whether to show the settings."""

    def get_all_permissions_for_user(self, user):
        return GroupSitePermission.objects.none()


@register_setting(icon="site", order=900)
class PortalSettings(BaseSiteSetting):
    operator = models.CharField(
        _("主办单位"),
        max_length=100,
        blank=True,
        help_text=_("运营本网站的单位，例如“文山州住房和城乡建设局”。"),
    )
    contact_phone = models.CharField(
        _("联系电话"), max_length=20, blank=True, validators=[validate_phone]
    )
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    contact_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    icp_number = models.CharField(
        _("ICP备案号"),
        max_length=50,
        blank=True,
        help_text=_("例如“滇ICP备12345678号-1”，页脚显示并链接到工业和信息化部备案查询网站。"),
    )
    police_number = models.CharField(
        _("公安联网备案号"),
        max_length=50,
        blank=True,
        help_text=_("例如“滇公网安备53260202000001号”，页脚显示并链接到公安部备案查询网站。"),
    )
    hotline = models.CharField(
        _("便民服务热线"),
        max_length=20,
        blank=True,
        default=DEFAULT_HOTLINE,
        help_text=_("每个小区页面都列出的热线，默认为12345政务服务便民热线；留空则不显示。"),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("operator"), FieldPanel("contact_phone"), FieldPanel("contact_email")],
            heading=_("主办单位"),
        ),
        FieldPanel("contact_address"),
        MultiFieldPanel(
            [FieldPanel("icp_number"), FieldPanel("police_number")], heading=_("备案信息")
        ),
        FieldPanel("hotline"),
    ]

    class Meta:
        verbose_name = _("门户网站信息")
        verbose_name_plural = _("门户网站信息")

    @classmethod
    def get_permission_policy(cls):
        return ModelOnlySitePermissionPolicy(cls)

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @property
    def police_code(self) -> str:
        """The digits of the public-security filing number, for its lookup link."""
        return re.sub(r"\D", "", self.police_number)

    @property
    def police_lookup_url(self) -> str:
        return f"{POLICE_LOOKUP_URL}{self.police_code}"

    @property
    def icp_lookup_url(self) -> str:
        return ICP_LOOKUP_URL


def portal_settings(request: HttpRequest | None) -> PortalSettings:
    """The settings of the request's site: from the per-process site table on public pages
    (cms.sites, no query), else one query; unsaved defaults without a site or a request
    (the 500 page). Reading never creates a row."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return PortalSettings()
    found = getattr(site, "portal_settings", None)
    if found is None:
        found = PortalSettings.objects.filter(site_id=site.pk).first() or PortalSettings()
        site.portal_settings = found
    return found
