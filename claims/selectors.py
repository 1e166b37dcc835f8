"""The read side of claims: access to one claim (another partnership's is a 404), a
partnership's claims, and the filtered list the claims page and its CSV share."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import services
from claims.forms import ClaimFilterForm
from claims.models import Claim
from merchants import access

# Why a role that sees the claim may not do this with it (shown on the 403 page).
REFUSALS = {
    "claim_identity": _(
        "This shows the person's name and address, which only the community police officer and "
        "the administrator see. The claim's number, amounts and status are on the claim page."
    ),
    "make_claims": _("Only the community police officer and the coordinator make and send claims."),
    "manage_claims": _("Only the coordinator books payments and credits."),
}


def get_claim_for_user(user, pk, capability="view_claims") -> Claim:
    """Another partnership's claim is a 404; a role without the capability gets 403."""
    claim = get_object_or_404(
        Claim.objects.visible_to(user, "view_claims").select_related(
            "partnership", "incident__shop", "person"
        ),
        pk=pk,
    )
    if not access.can(user, claim.partnership, capability):
        raise PermissionDenied(REFUSALS.get(capability, ""))
    return claim


def partnership_claims(partnership):
    return Claim.objects.filter(partnership=partnership).select_related("incident__shop")


def may_see_identity(user, partnership) -> bool:
    """Names and addresses on claims: the officer and the administrator, not the coordinator
    (who keeps the books with aggregates only, DESIGN.md section 2)."""
    return access.can(user, partnership, "claim_identity")


def filtered_claims(request):
    """The claims page's filter form and the current partnership's claims it selects."""
    form = ClaimFilterForm(request.GET or None)
    queryset = partnership_claims(request.partnership)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            match = Q(number__icontains=term) | Q(
                payment_reference__icontains=term.replace(" ", "")
            )
            if may_see_identity(request.user, request.partnership):
                match |= Q(snapshot__full_name__icontains=term)
            queryset = queryset.filter(match)
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["year"]:
            queryset = queryset.filter(year=data["year"])
        if data["overdue"]:
            queryset = queryset.filter(status__in=services.OPEN, due_on__lt=timezone.localdate())
    return form, queryset
