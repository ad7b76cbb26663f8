"""One demo login per role, granted through the same service staff accounts use."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from .. import services
from ..choices import DepartmentKind
from ..models import Compound, Department, DepartmentMembership, Region
from .names import DEMO_PASSWORD, PROVINCE

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
    from ..roles import ROLES

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
