"""Where claims plug into the floors below: the register's person merge and access log, and the
incident case page's panels. Connected once, from ClaimsConfig.ready()."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bans import hooks as register
from bans import identity
from bans.models import Person, PersonIncident
from bans.services import RegisterError
from claims.models import Claim, ClaimStatus
from claims.services import OPEN, eligibility, set_status
from incidents import panels
from merchants import access
from merchants.services import log_action


def connect():
    register.person_merging.connect(move_claims_on_merge, sender=Person, dispatch_uid="claims")
    register.identity_recorded.connect(refresh_drafts, sender=Person, dispatch_uid="claims")
    register.mistaken_identity.connect(stop_claims, sender=Person, dispatch_uid="claims")
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


def stop_claims(sender, person, actor, **kwargs):
    """The wrong person: a draft is cancelled and an open claim written off, each with the reason
    in its history (what was paid is for the coordinator to pay back). A consequence of the
    officer's decision on the objection, so it is not asked of the coordinator."""
    note = _("Mistaken identity: the claim was against the wrong person.")
    for claim in Claim.objects.select_for_update().filter(person=person):
        if claim.status == ClaimStatus.DRAFT:
            to = ClaimStatus.CANCELLED
        elif claim.status in OPEN:
            to = ClaimStatus.WRITTEN_OFF
        else:
            continue
        set_status(claim, to, actor=actor, note=note)
        claim.save(update_fields=["status"])
        log_action(
            f"claims.claim.{to}",
            actor=actor,
            partnership=claim.partnership,
            obj=claim,
            data={"reason": "mistaken identity"},
        )


def refresh_drafts(sender, person, **kwargs):
    """The police gave a name and address: the person's draft claims take them (a draft is not
    an issued document yet; a sent claim keeps what it was sent with)."""
    for claim in Claim.objects.select_for_update().filter(person=person, status=ClaimStatus.DRAFT):
        claim.snapshot = {
            **claim.snapshot,
            "full_name": person.full_name,
            "address": person.address,
            "residence": person.residence,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        }
        claim.save(update_fields=["snapshot"])


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
            "identity_request": identity.waiting_for(incident),
            # One claim per case and person: once made (and not cancelled), no second button.
            "claimed": any(
                c.person_id == getattr(person, "pk", None) and c.status != ClaimStatus.CANCELLED
                for c in claims
            ),
        },
    )
