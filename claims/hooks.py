"""Where claims plug into the floors below: the register's person merge and access log, and the
incident case page's panels. Connected once, from ClaimsConfig.ready()."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bans import hooks as register
from bans.models import Person, PersonIncident
from bans.services import RegisterError
from claims.models import Claim, ClaimStatus
from claims.services import eligibility
from incidents import panels
from merchants import access


def connect():
    register.person_merging.connect(move_claims_on_merge, sender=Person, dispatch_uid="claims")
    register.add_access_actions(
        claims__claim__viewed=gettext_lazy("Opened a claim"),
        claims__claim__letter_printed=gettext_lazy("Printed a claim letter"),
        claims__books__collection_exported=gettext_lazy(
            "Exported claims for the collection agency"
        ),
    )
    panels.add_case_panel("claims", claim_panel, order=20)


def move_claims_on_merge(sender, keep, duplicate, **kwargs):
    """The duplicate's claims go to the person kept, unless both have a claim for one case."""
    open_claims = Claim.objects.exclude(status=ClaimStatus.CANCELLED)
    if open_claims.filter(
        person=keep, incident__in=open_claims.filter(person=duplicate).values("incident")
    ).exists():
        raise RegisterError(
            _("Both have a claim for the same case: cancel or credit one of them first.")
        )
    Claim.objects.filter(person=duplicate).update(person=keep)


def claim_panel(request, incident):
    """The case page's claim panel: what the rules say about a claim here, and the claims made."""
    if not access.can(request.user, incident.partnership, "make_claims"):
        return None
    link = PersonIncident.objects.filter(incident=incident).select_related("person").first()
    person = link.person if link else None
    claims = list(Claim.objects.filter(incident=incident).order_by("sequence"))
    return (
        "claims/partials/claim_panel.html",
        {
            "incident": incident,
            "verdict": eligibility(incident, person),
            "claims": claims,
            # One claim per case and person: once made (and not cancelled), no second button.
            "claimed": any(
                c.person_id == getattr(person, "pk", None) and c.status != ClaimStatus.CANCELLED
                for c in claims
            ),
        },
    )
