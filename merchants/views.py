from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants import access, services, sso
from merchants.access import require_capability
from merchants.forms import (
    AreaForm,
    BulletinEmailForm,
    ObjectionContactForm,
    ProfileForm,
    ShopForm,
    ShopSearchForm,
    StaffInvitationForm,
)
from merchants.middleware import SESSION_KEY
from merchants.models import (
    Invitation,
    Membership,
    Partnership,
    ProtocolDeclaration,
    Shop,
    ShopAssignment,
    ShoppingArea,
)
from merchants.roles import Role
from plumbing import push
from plumbing.http import client_ip

SHOPS_PER_PAGE = 25


def base_url(request):
    return request.build_absolute_uri("/")


def _set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


def _safe_next(request, fallback="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


# --- everyone -------------------------------------------------------------------------------------


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if not access.partnerships_with(request.user, "review_incidents"):
        del form.fields["report_alerts"]  # only who reviews reports hears of new ones
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your profile has been saved."))
        return _set_language_cookie(redirect("merchants:profile"), user.language)
    return render(
        request,
        "merchants/profile.html",
        {
            "form": form,
            "memberships": access.memberships(request.user),
            "devices": request.user.push_devices.all(),
            "push_key": push.public_key(),
            "sign_ons": sso.linkable(request.user),
        },
    )


@require_POST
def switch_language(request):
    language = request.POST.get("language")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
    )
    return response


@login_required
@require_POST
def switch_partnership(request):
    partnership = access.get_partnership_for_user(request.user, request.POST.get("partnership"))
    request.session[SESSION_KEY] = partnership.pk
    return redirect("home")


# --- the partnership ------------------------------------------------------------------------------


@require_capability("manage_partnership")
def objection_contact(request):
    # A copy: an invalid form must not change the partnership the rest of the page shows.
    partnership = Partnership.objects.get(pk=request.partnership.pk)
    form = ObjectionContactForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        services.set_objection_contact(
            partnership, actor=request.user, ip_address=client_ip(request), **form.cleaned_data
        )
        messages.success(request, _("The contact for objections is saved."))
        return redirect("merchants:objection_contact")
    return render(
        request, "merchants/objection_contact.html", {"form": form, "partnership": partnership}
    )


# --- areas ----------------------------------------------------------------------------------------


@require_capability("view_areas")
def area_list(request):
    areas = (
        ShoppingArea.objects.filter(partnership=request.partnership)
        .annotate(shop_count=Count("shops", filter=Q(shops__active=True)))
        .order_by("kind", "name")
    )
    return render(request, "merchants/area_list.html", {"areas": areas})


@require_capability("manage_areas")
def area_create(request):
    return _area_form(request, ShoppingArea())


@require_capability("manage_areas")
def area_edit(request, pk):
    return _area_form(request, access.get_area_for_user(request.user, pk, need="change"))


def _save_or_explain(form, action, *, actor, partnership):
    """Save a ModelForm and log it; a concurrent twin (double submit) becomes a form error."""
    try:
        with transaction.atomic():
            obj = form.save()
            services.log_action(
                action,
                actor=actor,
                partnership=partnership,
                obj=obj,
                data={"fields": form.changed_data},
            )
    except IntegrityError:
        form.add_error(None, _("This was saved a moment ago already. Check the list."))
        return None
    return obj


def _area_form(request, area):
    partnership = area.partnership if area.pk else request.partnership
    form = AreaForm(request.POST or None, instance=area, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        area = _save_or_explain(
            form, "merchants.area.saved", actor=request.user, partnership=partnership
        )
        if area is not None:
            messages.success(request, _("Area “%(name)s” has been saved.") % {"name": area.name})
            return redirect("merchants:area_list")
    return render(request, "merchants/area_form.html", {"form": form, "area": area})


# --- shops ----------------------------------------------------------------------------------------


@require_capability("view_shops")
def shop_list(request):
    form = ShopSearchForm(request.GET or None, partnership=request.partnership)
    shops = Shop.objects.in_partnership(request.partnership).select_related("area")
    status = "active"
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            shops = shops.filter(
                Q(name__icontains=query)
                | Q(address__icontains=query)
                | Q(postcode__icontains=query.replace(" ", "")[:4])
                | Q(city__icontains=query)
                | Q(kvk_number=query)
            )
        if form.cleaned_data["area"]:
            shops = shops.filter(area=form.cleaned_data["area"])
        status = form.cleaned_data["status"] or "active"
    if status == "active":
        shops = shops.filter(active=True)
    elif status == "inactive":
        shops = shops.filter(active=False)
    page = Paginator(shops.order_by("name", "pk"), SHOPS_PER_PAGE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "merchants/shop_list.html",
        {"form": form, "page": page, "querystring": query_without_page.urlencode()},
    )


@require_capability("view_shops")
def shop_detail(request, pk):
    shop = access.get_shop_for_user(request.user, pk)
    return render(request, "merchants/shop_detail.html", {"shop": shop, "staff": _staff_of(shop)})


def _staff_of(shop):
    return (
        ShopAssignment.objects.filter(
            shop=shop, membership__active=True, membership__user__is_active=True
        )
        .select_related("membership__user")
        .order_by("-is_owner", "membership__user__full_name", "membership__user__email")
    )


@require_capability("manage_shops")
def shop_create(request):
    form = ShopForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        shop = _save_or_explain(
            form, "merchants.shop.created", actor=request.user, partnership=request.partnership
        )
        if shop is not None:
            messages.success(request, _("Shop “%(name)s” has been added.") % {"name": shop.name})
            return redirect(shop)
    return render(request, "merchants/shop_form.html", {"form": form})


@require_capability("manage_shops")
def shop_edit(request, pk):
    shop = access.get_shop_for_user(request.user, pk, need="change")
    form = ShopForm(request.POST or None, instance=shop, partnership=shop.area.partnership)
    if request.method == "POST" and form.is_valid():
        saved = _save_or_explain(
            form, "merchants.shop.changed", actor=request.user, partnership=shop.area.partnership
        )
        if saved is not None:
            messages.success(request, _("Shop “%(name)s” has been saved.") % {"name": saved.name})
            return redirect(saved)
    return render(request, "merchants/shop_form.html", {"form": form, "shop": shop})


@require_capability("manage_shops")
@require_POST
def shop_set_active(request, pk):
    shop = access.get_shop_for_user(request.user, pk, need="change")
    if request.POST.get("active") not in ("0", "1"):
        return redirect(shop)
    active = request.POST["active"] == "1"
    if shop.active != active:
        services.set_shop_active(shop, active=active, actor=request.user)
    if active:
        messages.success(request, _("Shop “%(name)s” takes part again.") % {"name": shop.name})
    else:
        messages.success(request, _("Shop “%(name)s” has been deactivated.") % {"name": shop.name})
    return redirect(shop)


# --- shop owner -----------------------------------------------------------------------------------


@login_required
def my_shops(request):
    shops = (
        Shop.objects.visible_to(request.user)
        .filter(
            pk__in=Membership.objects.active()
            .filter(user=request.user, role=Role.PARTICIPANT)
            .values("shops")
        )
        .select_related("area", "area__partnership")
    )
    owned = set(access.owned_shops(request.user).values_list("pk", flat=True))
    if not shops:
        return render(request, "merchants/my_shops.html", {"shops": [], "owned": owned}, status=403)
    shops = list(shops)
    _attach_shop_declarations([shop for shop in shops if shop.pk in owned])
    return render(request, "merchants/my_shops.html", {"shops": shops, "owned": owned})


def _attach_shop_declarations(shops):
    """Give each shop `protocol_version` (its partnership's current one, or None) and
    `protocol_declaration` (the owner's signature on its behalf for that version, or None)."""
    versions = {}
    for shop in shops:
        partnership = shop.area.partnership
        if partnership.pk not in versions:
            versions[partnership.pk] = services.current_protocol(partnership)
    declarations = {
        (d.version_id, d.shop_id): d
        for d in ProtocolDeclaration.objects.filter(
            version__in=[v for v in versions.values() if v], shop__in=shops
        )
    }
    for shop in shops:
        shop.protocol_version = versions[shop.area.partnership.pk]
        shop.protocol_declaration = (
            declarations.get((shop.protocol_version.pk, shop.pk)) if shop.protocol_version else None
        )


@login_required
def my_shop_staff(request, pk):
    shop = access.get_shop_for_user(request.user, pk, need="own")
    staff = _staff_of(shop)
    invitations = Invitation.objects.pending().filter(shops=shop, role=Role.PARTICIPANT)
    form = StaffInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                partnership=shop.area.partnership,
                email=form.cleaned_data["email"],
                role=Role.PARTICIPANT,
                shops=[shop],
                actor=request.user,
                base_url=base_url(request),
            )
        except services.InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("merchants:my_shop_staff", pk=shop.pk)
    return render(
        request,
        "merchants/my_shop_staff.html",
        {"shop": shop, "staff": staff, "invitations": invitations, "form": form},
    )


@login_required
@require_POST
def my_shop_staff_remove(request, pk, membership_pk):
    shop = access.get_shop_for_user(request.user, pk, need="own")
    assignment = access.get_staff_assignment_for_owner(shop, membership_pk)
    try:
        services.remove_staff_from_shop(assignment, actor=request.user)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(user)s no longer works for %(shop)s in this system.")
            % {"user": assignment.membership.user, "shop": shop},
        )
    return redirect("merchants:my_shop_staff", pk=shop.pk)


@login_required
@require_POST
def my_shop_invitation_revoke(request, pk, invitation_pk):
    shop = access.get_shop_for_user(request.user, pk, need="own")
    invitation = get_object_or_404(
        Invitation.objects.filter(shops=shop, role=Role.PARTICIPANT, is_owner=False),
        pk=invitation_pk,
    )
    try:
        services.revoke_invitation(invitation, actor=request.user)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
        )
    return redirect("merchants:my_shop_staff", pk=shop.pk)


@login_required
def my_shop_bulletin(request, pk):
    shop = access.get_shop_for_user(request.user, pk, need="own")
    form = BulletinEmailForm(request.POST or None, instance=shop)
    if request.method == "POST" and form.is_valid():
        services.set_bulletin_email(shop, form.cleaned_data["bulletin_email"], actor=request.user)
        messages.success(request, _("The bulletin address has been saved."))
        return redirect("merchants:my_shops")
    return render(request, "merchants/my_shop_bulletin.html", {"shop": shop, "form": form})


# --- protocol ---------------------------------------------------------------------------------


@login_required
def protocol(request):
    """The partnership's current protocol; participants sign it before the gallery opens.

    An owner also signs it on behalf of each shop it owns here: bulletins with photos go only to
    shops with such a declaration. A POST with `shop` is that; without, the personal signature.
    """
    version = services.current_protocol(request.partnership) if request.partnership else None
    if version is None:
        raise Http404
    if request.method == "POST" and "shop" in request.POST:
        shop = _shop_to_sign_for(request, request.POST["shop"])
        target = reverse("merchants:protocol")
        if request.POST.get("next"):
            target += "?" + urlencode({"next": request.POST["next"]})
        if request.POST.get("agree") != "on":
            messages.error(
                request, _("Tick the box to confirm that the shop keeps to the protocol.")
            )
            return redirect(target)
        services.sign_protocol(version, actor=request.user, shop=shop)
        messages.success(
            request, _("You have signed the protocol on behalf of %(shop)s.") % {"shop": shop}
        )
        return redirect(target)
    signed = services.has_signed_current_protocol(request.user, request.partnership)
    if request.method == "POST" and not signed:
        if request.POST.get("agree") != "on":
            messages.error(request, _("Tick the box to confirm that you have read the protocol."))
        else:
            services.sign_protocol(version, actor=request.user)
            messages.success(request, _("Thank you. You have signed the protocol."))
            return redirect(_safe_next(request))
    owned = (
        access.owned_shops(request.user)
        .filter(area__partnership=request.partnership)
        .order_by("name", "pk")
    )
    declarations = {
        d.shop_id: d for d in version.declarations.filter(shop__in=owned).select_related("user")
    }
    return render(
        request,
        "merchants/protocol.html",
        {
            "version": version,
            "signed": signed,
            "shop_declarations": [(shop, declarations.get(shop.pk)) for shop in owned],
            "next": request.GET.get("next", ""),
        },
    )


def _shop_to_sign_for(request, pk) -> Shop:
    """A shop of the current partnership the user owns: 404 when not theirs to see (or not
    here), 403 when they work there but are not its owner."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    shop = access.get_shop_for_user(request.user, pk, need="own")
    if shop.area.partnership_id != request.partnership.pk:
        raise Http404
    return shop
