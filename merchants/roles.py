"""Roles and what each may do: the one place where role checks are decided.

Views and querysets ask for a capability ("manage_shops"), never for a role, so that a new role or a
changed rule is one edit here. Shop owners are participants with the owner flag; what they may do is
decided per shop in `merchants.access`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    OFFICER = "officer", _("Community police officer")
    ADMINISTRATOR = "administrator", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    AUDITOR = "auditor", _("Auditor")


# Roles that see personal data or steer the partnership must log in with a second factor.
MFA_REQUIRED_ROLES = frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.COORDINATOR})

CAPABILITIES: dict[str, frozenset[str]] = {
    "view_areas": frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.COORDINATOR, Role.AUDITOR}),
    "manage_areas": frozenset({Role.COORDINATOR}),
    "view_shops": frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.COORDINATOR}),
    "manage_shops": frozenset({Role.COORDINATOR}),
    "manage_members": frozenset({Role.COORDINATOR}),
    # The partnership's own details, such as where a person objects to its letters.
    "manage_partnership": frozenset({Role.COORDINATOR}),
    "report_incidents": frozenset({Role.PARTICIPANT}),
    # Case pages with the person's details; the officer also decides and records contact.
    "view_incidents": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    "review_incidents": frozenset({Role.OFFICER}),
    # Exports: the officer's has personal data; the figures export has none.
    "export_incidents": frozenset({Role.OFFICER}),
    "incident_figures": frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.COORDINATOR}),
    # The keeper of the register: access log, subject requests, deletion ledger.
    "keep_register": frozenset({Role.ADMINISTRATOR}),
    # The KVO certification dossier: the coordinator keeps it, the auditor reads it.
    "view_dossier": frozenset({Role.COORDINATOR, Role.AUDITOR}),
    "manage_dossier": frozenset({Role.COORDINATOR}),
    # Civil claims: the officer and the coordinator make them; the coordinator books payments,
    # imports bank statements and keeps the books, without names or addresses (aggregates only);
    # the officer and the administrator see who a claim is on, print the letters and hand claims
    # over to the collection agency.
    "view_claims": frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.COORDINATOR}),
    "make_claims": frozenset({Role.OFFICER, Role.COORDINATOR}),
    "manage_claims": frozenset({Role.COORDINATOR}),
    "claim_identity": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    # Name-and-address requests to the police: the officer and the coordinator file them and all
    # three follow them; only the roles that see identity fields record the answer.
    "identity_requests": frozenset({Role.OFFICER, Role.ADMINISTRATOR, Role.COORDINATOR}),
    "request_identity": frozenset({Role.OFFICER, Role.COORDINATOR}),
    "record_identity": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    # Objections against measures: the administrator enters letters, an officer other than the
    # one who decided the measure decides; both read them.
    "view_objections": frozenset({Role.OFFICER, Role.ADMINISTRATOR}),
    "record_objections": frozenset({Role.ADMINISTRATOR}),
    "decide_objections": frozenset({Role.OFFICER}),
    # API clients of the partnership (chains, the municipality, an auditor's tool): the
    # coordinator, or the administrator who admits a chain.
    "manage_api": frozenset({Role.ADMINISTRATOR, Role.COORDINATOR}),
    # Single sign-on with the organisations' OpenID Connect provider (merchants.sso).
    "manage_sso": frozenset({Role.COORDINATOR}),
}


def roles_with(capability: str) -> frozenset[str]:
    try:
        return CAPABILITIES[capability]
    except KeyError:
        raise ValueError(f"Unknown capability {capability!r}") from None
