"""Access helpers: who may see and change what, enforced in querysets.

An object in a partnership the user has no business in is a 404 (ids leak nothing); an object the
user may see but not change is a 403.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from merchants.models import Invitation, Membership, Partnership, Shop, ShopAssignment, ShoppingArea
from merchants.roles import MFA_REQUIRED_ROLES, Role, roles_with

_CACHE_ATTR = "_kvo_memberships"


def memberships(user) -> list[Membership]:
    """The user's active memberships, loaded once per user object (so once per request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.active()
            .filter(user=user, partnership__active=True)
            .select_related("partnership")
            .order_by("partnership__name", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def mfa_required(user) -> bool:
    """Officers, administrators, coordinators and Django-admin staff need a second factor."""
    return user.is_staff or any(m.role in MFA_REQUIRED_ROLES for m in memberships(user))


def roles_in(user, partnership) -> set[str]:
    if partnership is None:
        return set()
    return {m.role for m in memberships(user) if m.partnership_id == partnership.pk}


def can(user, partnership, capability: str) -> bool:
    return bool(roles_in(user, partnership) & roles_with(capability))


def capabilities_in(user, partnership) -> set[str]:
    from merchants.roles import CAPABILITIES

    roles = roles_in(user, partnership)
    return {name for name, allowed in CAPABILITIES.items() if roles & allowed}


def partnerships_with(user, capability: str) -> list[int]:
    allowed = roles_with(capability)
    return sorted({m.partnership_id for m in memberships(user) if m.role in allowed})


def owned_shops(user):
    """Active shops whose staff and bulletin address this user manages as owner."""
    participant = [m.pk for m in memberships(user) if m.role == Role.PARTICIPANT]
    return Shop.objects.filter(
        assignments__membership__in=participant, assignments__is_owner=True, active=True
    ).distinct()


def require_capability(capability: str):
    """View decorator: log in, then the capability in the current partnership, else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not can(request.user, request.partnership, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_partnership_for_user(user, pk) -> Partnership:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(Partnership.objects.visible_to(user), pk=pk)


def get_area_for_user(user, pk, need="view") -> ShoppingArea:
    area = get_object_or_404(
        ShoppingArea.objects.visible_to(user).select_related("partnership"), pk=pk
    )
    if need == "change" and not can(user, area.partnership, "manage_areas"):
        raise PermissionDenied
    return area


def get_shop_for_user(user, pk, need="view") -> Shop:
    """A shop the user may see; need="change" (coordinator) or "own" (owner of this shop)."""
    shop = get_object_or_404(
        Shop.objects.visible_to(user).select_related("area__partnership"), pk=pk
    )
    partnership = shop.area.partnership
    if need == "change" and not can(user, partnership, "manage_shops"):
        raise PermissionDenied
    if need == "own" and not owned_shops(user).filter(pk=shop.pk).exists():
        raise PermissionDenied
    return shop


def get_membership_for_user(user, pk) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(
            partnership__in=partnerships_with(user, "manage_members")
        ).select_related("user", "partnership"),
        pk=pk,
    )


def get_staff_assignment_for_owner(shop, membership_pk) -> ShopAssignment:
    """The link of a staff member to a shop the caller owns (checked by get_shop_for_user)."""
    return get_object_or_404(
        ShopAssignment.objects.filter(shop=shop, membership__active=True).select_related(
            "membership__user", "membership__partnership"
        ),
        membership_id=membership_pk,
    )


def get_invitation_for_user(user, pk) -> Invitation:
    return get_object_or_404(
        Invitation.objects.filter(partnership__in=partnerships_with(user, "manage_members")),
        pk=pk,
    )
