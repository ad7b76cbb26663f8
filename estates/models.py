"""The registry: regions, compounds, buildings, units, owners, companies, grids."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from common.files import private_storage
from common.models import TimeStampedModel
from common.validators import validate_credit_code, validate_id_number, validate_phone

from .choices import AreaSource, DepartmentKind, GridRole, OwnerKind, RegionLevel
from .pinyin import pinyin_columns
from .validators import validate_year

PATH_SEP = "/"


def path_index(model: str, field: str = "region_path") -> models.Index:
    """A prefix-searchable index: varchar_pattern_ops on PostgreSQL makes
    ``startswith`` an index range scan whatever the database collation."""
    return models.Index(
        fields=[field], name=f"{model}_{field[:6]}_idx", opclasses=["varchar_pattern_ops"]
    )


class RegionPathMixin(models.Model):
    """Keeps ``region_path`` equal to the region's path; bulk inserts set it themselves."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.region_path = self.region.path
        super().save(*args, **kwargs)


class PinyinNamedMixin(models.Model):
    """Keeps the pinyin of ``name``: the sort key of lists on SQLite and the text a search
    in pinyin matches (estates.pinyin). Bulk inserts fill them too (estates.loading)."""

    name_sort = models.CharField(_("拼音排序"), max_length=700, blank=True, editable=False)
    name_pinyin = models.CharField(_("拼音"), max_length=800, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.name_sort, self.name_pinyin = pinyin_columns(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_sort", "name_pinyin"}
        super().save(*args, **kwargs)


class Region(PinyinNamedMixin, models.Model):
    """A node of the administrative tree. `path` is the materialised path of codes,
    e.g. ``530000/532600/532601/``, so a subtree is one indexed prefix match."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    office_phone = models.CharField(
        _("对外联系电话"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_(
            "居委会、村委会或街道办事处的办公电话，显示在所辖小区的公开页面上，供居民联系。"
        ),
    )

    class Meta:
        indexes = [path_index("region", "path")]
        verbose_name = _("行政区域")
        verbose_name_plural = pgettext_lazy("复数", "行政区域")
        ordering = ["path"]
        permissions = [
            ("view_jurisdiction", _("查看辖区")),
            ("manage_jurisdiction", _("管理辖区")),
            ("all_jurisdictions", _("全部辖区（平台管理）")),
        ]

    jurisdiction_fields = ("path", None)

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        prefix = self.parent.path if self.parent_id else ""
        self.path = f"{prefix}{self.code}{PATH_SEP}"
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class PropertyCompany(RegionPathMixin, TimeStampedModel):
    """A property service enterprise (物业服务企业), known by its credit code."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("注册地"),
        on_delete=models.PROTECT,
        related_name="property_companies",
    )
    region_path = models.CharField(max_length=255, editable=False)
    contact_phone = models.CharField(
        _("服务电话"), max_length=20, blank=True, validators=[validate_phone]
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)

    class Meta:
        indexes = [path_index("company")]
        verbose_name = _("物业服务企业")
        verbose_name_plural = pgettext_lazy("复数", "物业服务企业")
        ordering = ["name"]

    @classmethod
    def jurisdiction_q(cls, jurisdiction) -> models.Q:
        """Registered in the region, or serving a compound in it."""
        serving = Compound.objects.filter(jurisdiction.q("region_path", "pk")).values(
            "property_company_id"
        )
        return jurisdiction.q("region_path", None) | models.Q(pk__in=serving)

    def __str__(self) -> str:
        return self.name


class Compound(RegionPathMixin, PinyinNamedMixin, TimeStampedModel):
    """A residential compound (小区) in a community. `region_path` copies the
    community's path so jurisdiction filters need no join."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="compounds",
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    region_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("小区名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    property_company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("物业服务企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compounds",
    )
    is_red_property = models.BooleanField(_("红色物业"), default=False)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("照片"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_year = models.PositiveSmallIntegerField(
        _("建成年份"), null=True, blank=True, validators=[validate_year]
    )

    class Meta:
        indexes = [path_index("compound")]
        verbose_name = _("小区")
        verbose_name_plural = pgettext_lazy("复数", "小区")
        ordering = ["region_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="compound_unique_name")
        ]
        permissions = [
            ("view_jurisdiction", _("查看小区")),
            ("manage_jurisdiction", _("管理小区")),
        ]

    jurisdiction_fields = ("region_path", "pk")

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="buildings"
    )
    name = models.CharField(_("楼栋"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = pgettext_lazy("复数", "楼栋")
        ordering = ["compound", "name"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="building_unique_name")
        ]

    jurisdiction_fields = ("compound__region_path", "compound_id")

    def __str__(self) -> str:
        return f"{self.compound.name} {self.name}" if "compound" in self.__dict__ else self.name


class Unit(models.Model):
    """An exclusive part (专有部分). `compound` duplicates building.compound for
    one-join scoping and per-compound sums."""

    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="units"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="units"
    )
    entrance = models.CharField(_("单元"), max_length=20, blank=True)
    room = models.CharField(_("房号"), max_length=20)
    exclusive_area = models.DecimalField(
        _("专有部分面积（m²）"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    area_source = models.CharField(
        _("面积来源"), max_length=10, choices=AreaSource.choices, default=AreaSource.REGISTER
    )

    class Meta:
        verbose_name = _("房屋（专有部分）")
        verbose_name_plural = pgettext_lazy("复数", "房屋（专有部分）")
        ordering = ["building", "entrance", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "entrance", "room"], name="unit_unique_room"
            ),
            models.CheckConstraint(
                condition=models.Q(exclusive_area__gt=0), name="unit_area_positive"
            ),
        ]

    jurisdiction_fields = ("compound__region_path", "compound_id")

    def __str__(self) -> str:
        return f"{self.entrance}-{self.room}" if self.entrance else self.room


class Owner(TimeStampedModel):
    """A person or organisation holding units. A developer's unsold units are held by
    one developer owner so they count as one head (DOMAIN 1.6)."""

    kind = models.CharField(
        _("类型"), max_length=12, choices=OwnerKind.choices, default=OwnerKind.PERSON
    )
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_number = models.CharField(
        _("证件号码"),
        max_length=18,
        unique=True,
        help_text=_("自然人填写居民身份证号码，单位填写统一社会信用代码。"),
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])

    class Meta:
        verbose_name = _("业主")
        verbose_name_plural = pgettext_lazy("复数", "业主")
        ordering = ["name"]
        permissions = [("view_owner_identity", _("查看业主证件号码和电话"))]

    @classmethod
    def jurisdiction_q(cls, jurisdiction) -> models.Q:
        """An owner is in scope where they hold a unit in scope."""
        holding = Ownership.objects.filter(
            jurisdiction.q("compound__region_path", "compound_id")
        ).values("owner_id")
        return models.Q(pk__in=holding)

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        try:
            if self.kind == OwnerKind.PERSON:
                validate_id_number(self.id_number)
            else:
                validate_credit_code(self.id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None


class Ownership(models.Model):
    """Owner ↔ unit. Co-owners share a unit; one owner may hold several units."""

    owner = models.ForeignKey(
        Owner, verbose_name=_("业主"), on_delete=models.CASCADE, related_name="ownerships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("房屋"), on_delete=models.CASCADE, related_name="ownerships"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.CASCADE, related_name="ownerships"
    )
    is_registered = models.BooleanField(
        _("已办理产权登记"),
        default=True,
        help_text=_("未登记但已合法占有的买受人同样是业主。"),  # DOMAIN 1.1
    )

    class Meta:
        verbose_name = _("产权")
        verbose_name_plural = pgettext_lazy("复数", "产权")
        constraints = [models.UniqueConstraint(fields=["owner", "unit"], name="ownership_unique")]

    jurisdiction_fields = ("compound__region_path", "compound_id")

    def __str__(self) -> str:
        return f"{self.owner_id}→{self.unit_id}"


class Grid(RegionPathMixin, models.Model):
    """A grid (网格) in a community, covering some buildings."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    region_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("网格名称"), max_length=100)
    code = models.CharField(_("网格编码"), max_length=30, unique=True)
    buildings = models.ManyToManyField(
        Building, verbose_name=_("覆盖楼栋"), blank=True, related_name="grids"
    )

    class Meta:
        indexes = [path_index("grid")]
        verbose_name = _("网格")
        verbose_name_plural = pgettext_lazy("复数", "网格")
        ordering = ["code"]

    @classmethod
    def jurisdiction_q(cls, jurisdiction) -> models.Q:
        """A grid is in scope through its community, or through a granted compound whose
        buildings it covers (committee members and company staff see their grid)."""
        condition = jurisdiction.q("region_path", None)
        if jurisdiction.compound_ids:
            covering = cls.buildings.through.objects.filter(
                building__compound_id__in=sorted(jurisdiction.compound_ids)
            ).values("grid_id")
            condition |= models.Q(pk__in=covering)
        return condition

    def __str__(self) -> str:
        return self.name


class GridStaff(models.Model):
    """Grid staff; their names and phones are posted publicly on purpose (DOMAIN 0.1)."""

    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("岗位"), max_length=10, choices=GridRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, validators=[validate_phone])
    is_party_member = models.BooleanField(_("党员"), default=False)

    class Meta:
        verbose_name = _("网格工作人员")
        verbose_name_plural = pgettext_lazy("复数", "网格工作人员")
        ordering = ["grid", "role", "name"]

    @classmethod
    def jurisdiction_q(cls, jurisdiction) -> models.Q:
        return models.Q(grid__in=Grid.objects.filter(Grid.jurisdiction_q(jurisdiction)))

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class Department(RegionPathMixin, models.Model):
    """A reviewing department (公安, 市场监管, ...) belonging to a region."""

    region = models.ForeignKey(
        Region, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="departments"
    )
    region_path = models.CharField(max_length=255, editable=False)
    kind = models.CharField(_("部门类别"), max_length=12, choices=DepartmentKind.choices)
    name = models.CharField(_("部门名称"), max_length=100)

    class Meta:
        indexes = [path_index("department")]
        verbose_name = _("职能部门")
        verbose_name_plural = pgettext_lazy("复数", "职能部门")
        ordering = ["region_path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind"], name="department_unique_kind")
        ]

    jurisdiction_fields = ("region_path", None)

    def __str__(self) -> str:
        return self.name


class DepartmentMembership(models.Model):
    """A reviewer working for a department."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_memberships"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = _("部门人员")
        verbose_name_plural = pgettext_lazy("复数", "部门人员")
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="department_member_unique")
        ]

    jurisdiction_fields = ("department__region_path", None)


# Jurisdiction grants: guardian permissions with direct foreign keys, so one grant row on
# a region covers its whole subtree (common.jurisdiction resolves them).
class RegionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class RegionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class CompoundUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Compound, on_delete=models.CASCADE)


class CompoundGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Compound, on_delete=models.CASCADE)


class ImportJob(TimeStampedModel):
    """One upload of a registry sheet (登记表). The job row carries the progress a worker
    reports and the per-row errors the uploader must fix; nothing is written unless every
    row is valid."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        WRITING = "writing", _("写入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # Private storage: the sheet holds owners' ID numbers and phones (common.files).
    file = models.FileField(_("文件"), upload_to="registry-imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("原文件名"), max_length=255)
    community = models.ForeignKey(
        Region,
        verbose_name=_("默认社区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="registry_imports",
    )
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    counts = models.JSONField(_("导入数量"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # A job that failed for a fault (its worker died, the database went away), not for its
    # content, keeps its sheet until then so staff can run it again (estates.tasks).
    retry_until = models.DateTimeField(_("可重新运行至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登记表导入")
        verbose_name_plural = pgettext_lazy("复数", "登记表导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.VALIDATING, self.Status.WRITING}

    @property
    def can_retry(self) -> bool:
        return (
            self.status == self.Status.FAILED
            and self.retry_until is not None
            and self.retry_until > timezone.now()
            and bool(self.file)
        )

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)
