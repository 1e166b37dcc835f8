"""Read-side queries that serve pages."""

from django.db.models import Count, Q

from merchants.models import Invitation, Membership, ShoppingArea


def partnership_figures(partnership) -> dict:
    """Counts for the coordinator's start page, in three queries."""
    areas = ShoppingArea.objects.filter(partnership=partnership, active=True).aggregate(
        areas=Count("pk", distinct=True),
        shops=Count("shops", filter=Q(shops__active=True), distinct=True),
    )
    return {
        **areas,
        "members": Membership.objects.active().filter(partnership=partnership).count(),
        "open_invitations": Invitation.objects.pending().filter(partnership=partnership).count(),
    }
