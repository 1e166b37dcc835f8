"""Members and invitations: the coordinator's list of people and their roles, ending a role,
and invitations sent, resent, revoked and accepted."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from merchants import access, services, sso
from merchants.access import require_capability
from merchants.forms import (
    AcceptInvitationForm,
    InvitationForm,
)
from merchants.middleware import SESSION_KEY
from merchants.models import (
    Invitation,
    Membership,
    ShopAssignment,
)
from merchants.roles import Role
from merchants.views import base_url


@require_capability("manage_members")
def member_list(request):
    role = request.GET.get("role", "")
    members = (
        Membership.objects.active()
        .filter(partnership=request.partnership)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "assignments", ShopAssignment.objects.select_related("shop").order_by("shop__name")
            )
        )
        .order_by("role", "user__full_name", "user__email")
    )
    if role in Role.values:
        members = members.filter(role=role)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    invitations = (
        Invitation.objects.filter(
            partnership=request.partnership, accepted_at__isnull=True, revoked_at__isnull=True
        )
        .select_related("invited_by")
        .prefetch_related("shops")
    )
    return render(
        request,
        "merchants/member_list.html",
        {
            "page": page,
            "invitations": invitations,
            "roles": Role.choices,
            "role": role,
            "querystring": f"role={role}" if role in Role.values else "",
        },
    )


@require_capability("manage_members")
@require_POST
def member_end(request, pk):
    membership = access.get_membership_for_user(request.user, pk)
    if membership.user_id == request.user.pk:
        messages.error(request, _("You cannot end your own membership."))
    elif membership.active:
        services.end_membership(membership, actor=request.user)
        messages.success(
            request,
            _("%(user)s no longer has the role %(role)s.")
            % {"user": membership.user, "role": membership.get_role_display()},
        )
    return redirect("merchants:member_list")


@require_capability("manage_members")
def invitation_create(request):
    form = InvitationForm(request.POST or None, partnership=request.partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invite(
                partnership=request.partnership,
                email=data["email"],
                role=data["role"],
                shops=data["shops"],
                is_owner=data["is_owner"],
                actor=request.user,
                base_url=base_url(request),
            )
        except services.InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("An invitation has been sent to %(email)s.") % {"email": data["email"]}
            )
            return redirect("merchants:member_list")
    return render(request, "merchants/invitation_form.html", {"form": form})


@require_capability("manage_members")
@require_POST
def invitation_resend(request, pk):
    invitation = access.get_invitation_for_user(request.user, pk)
    try:
        services.resend_invitation(invitation, actor=request.user, base_url=base_url(request))
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been sent again.") % {"email": invitation.email},
        )
    return redirect("merchants:member_list")


@require_capability("manage_members")
@require_POST
def invitation_revoke(request, pk):
    invitation = access.get_invitation_for_user(request.user, pk)
    try:
        services.revoke_invitation(invitation, actor=request.user)
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email},
        )
    return redirect("merchants:member_list")


def invitation_accept(request, token):
    """The link from the invitation email. Works logged out; every dead end explains itself."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render(
            request, "merchants/invitation_invalid.html", {"reason": "unknown"}, status=404
        )
    if invitation.status != Invitation.Status.PENDING:
        if (
            invitation.status == Invitation.Status.ACCEPTED
            and request.user.is_authenticated
            and invitation.accepted_by_id == request.user.pk
        ):
            messages.info(request, _("You have already accepted this invitation."))
            return redirect("home")
        return render(
            request,
            "merchants/invitation_invalid.html",
            {"reason": invitation.status, "invitation": invitation},
            status=410,
        )

    account = services.account_for_email(invitation.email)
    context = {"invitation": invitation, "shops": invitation.shops.all()}

    if request.user.is_authenticated and account != request.user:
        return render(request, "merchants/invitation_wrong_account.html", context, status=403)
    if account is not None:
        # The address has an account already: accept while logged in as that account.
        if not request.user.is_authenticated:
            context["login_url"] = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
            return render(request, "merchants/invitation_login_first.html", context)
        if request.method == "POST":
            try:
                services.accept_invitation(invitation, user=request.user)
            except services.InvitationError as error:
                messages.error(request, str(error))
                return redirect("home")
            messages.success(
                request,
                _("Welcome to %(partnership)s.") % {"partnership": invitation.partnership},
            )
            request.session[SESSION_KEY] = invitation.partnership_id
            return redirect("home")
        return render(request, "merchants/invitation_accept_existing.html", context)

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(
                invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your account is ready. Log in with your email address and password.")
            )
            return redirect(reverse("account_login"))
    context["form"] = form
    if invitation.role in sso.SSO_ROLES:
        context["sso"] = sso.configurations().filter(partnership=invitation.partnership).first()
        context["token"] = token
    return render(request, "merchants/invitation_accept.html", context)
