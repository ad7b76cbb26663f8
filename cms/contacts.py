"""Whom an owner can call about their compound, gathered from what the page already read.

Every compound page lists phones to call, whether or not grid staff are registered: the
property company's service phone, the grid head's, the community's and the street's
office phones (``Region.office_phone``, public office numbers) and, added by the template
from the site settings, the government service hotline (12345 by default), so a page is
never without a number. Built from the compound fetched with its region chain and its
grid staff: no query of its own.
"""

from __future__ import annotations

from estates.choices import GridRole, RegionLevel
from estates.models import Compound, GridStaff, Region

# Kinds of contact, in the order listed; the template gives each its Chinese label.
COMPANY = "company"
GRID_HEAD = "grid_head"
COMMUNITY = "community"
STREET = "street"
OFFICE = "office"  # a higher office, when neither the community nor the street has one


def _chain(compound: Compound) -> list[Region]:
    """The compound's community and its ancestors, nearest first, as select_related
    fetched them (estates.selectors.compound_get_public)."""
    chain, node = [], compound.region
    while node is not None:
        chain.append(node)
        node = node.parent if node.parent_id else None
    return chain


def compound_contacts(
    compound: Compound, grids: list[tuple[object, list[GridStaff]]]
) -> list[dict[str, str]]:
    """Plain dicts (kept in the page-data cache): ``kind``, ``name``, ``phone``."""
    contacts: list[dict[str, str]] = []
    company = compound.property_company
    if company is not None and company.contact_phone:
        contacts.append({"kind": COMPANY, "name": company.name, "phone": company.contact_phone})
    heads = [m for _grid, members in grids for m in members if m.role == GridRole.HEAD]
    if heads:
        contacts.append({"kind": GRID_HEAD, "name": heads[0].name, "phone": heads[0].phone})
    offices = [r for r in _chain(compound) if r.office_phone]
    local = {RegionLevel.COMMUNITY: COMMUNITY, RegionLevel.STREET: STREET}
    nearby = [r for r in offices if r.level in local]
    for region in nearby or offices[:1]:
        contacts.append(
            {
                "kind": local.get(region.level, OFFICE),
                "name": region.name,
                "phone": region.office_phone,
            }
        )
    return contacts
