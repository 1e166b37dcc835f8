"""Use cases of the ground floor. Views, commands and tests call these; each runs in one transaction
and takes a keyword-only `actor`."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from merchants import access
from merchants.models import (
    AuditEvent,
    Invitation,
    Membership,
    Partnership,
    ProtocolDeclaration,
    ProtocolVersion,
    Shop,
    ShopAssignment,
    User,
)
from merchants.roles import Role
from merchants.sessions import end_sessions
from plumbing.http import client_ip
from plumbing.mail import send_templated_mail


class InvitationError(Exception):
    """A rule stops this invitation; the message is shown to the user as it is."""


def log_action(action, *, actor=None, partnership=None, obj=None, data=None, ip_address=None):
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        partnership=partnership,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
        ip_address=ip_address,
    )


def save_and_log_changes(form, action, *, request):
    """Save a settings form and write each changed field's old and new value to the audit log
    (a changed payout IBAN or who gets alerts must be traceable)."""
    before = {name: str(form.initial.get(name, "")) for name in form.changed_data}
    saved = form.save()
    log_action(
        action,
        actor=request.user,
        partnership=request.partnership,
        data={
            name: {"old": before[name], "new": str(form.cleaned_data[name])}
            for name in form.changed_data
        },
        ip_address=client_ip(request),
    )
    return saved


# --- invitations ----------------------------------------------------------------------------------


def account_for_email(email) -> User | None:
    """The account an address belongs to: its login address, or a verified extra address."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        extra = (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .select_related("user")
            .first()
        )
        user = extra.user if extra else None
    return user


def _check_may_invite(actor, partnership, role, shops, is_owner):
    if access.can(actor, partnership, "manage_members"):
        return
    owned = set(access.owned_shops(actor).values_list("pk", flat=True))
    if role != Role.PARTICIPANT or is_owner or not shops or not {s.pk for s in shops} <= owned:
        raise InvitationError(_("You may only invite staff for your own shop."))


def invite(
    *, partnership, email, role, shops=(), is_owner=False, actor, base_url=None
) -> Invitation:
    """Invite someone into a partnership with a role; for participants, into shops.

    A coordinator may invite anyone; a shop owner only staff for its own shops. Refuses when the
    person already has this role here, or when an invitation is still open (so a form posted twice
    sends one email). ``actor=None`` is the operator at the server's console (``manage.py
    create_partnership``): a new partnership's first coordinator has nobody else to invite them.
    """
    email = User.objects.normalize_email(email)
    shops = list(shops)
    if actor is not None:
        _check_may_invite(actor, partnership, role, shops, is_owner)
    if role == Role.PARTICIPANT and not shops:
        raise InvitationError(_("Choose at least one shop for a participant."))
    if any(shop.area.partnership_id != partnership.pk for shop in shops):
        raise InvitationError(_("That shop is not part of this partnership."))
    if role != Role.PARTICIPANT:
        shops, is_owner = [], False

    if actor is not None and (actor.email.lower() == email or account_for_email(email) == actor):
        # Nobody hands themselves a role: a coordinator who also needs to be an administrator
        # (identity fields) gets that from another coordinator, which the audit log shows.
        raise InvitationError(_("You cannot invite yourself."))

    with transaction.atomic():
        if _already_has(partnership, email, role, shops, is_owner):
            raise InvitationError(
                _("%(email)s already has this role in %(partnership)s.")
                % {"email": email, "partnership": partnership}
            )
        open_invitations = Invitation.objects.select_for_update().filter(
            partnership=partnership,
            email=email,
            role=role,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        now = timezone.now()
        for old in open_invitations:
            if old.expires_at > now:
                raise InvitationError(
                    _("An invitation for %(email)s is still open. Send it again from the list.")
                    % {"email": email}
                )
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
        token = secrets.token_urlsafe(32)
        invitation = Invitation(
            partnership=partnership,
            email=email,
            role=role,
            is_owner=is_owner,
            invited_by=actor,
            token_hash=Invitation.hash_token(token),
            expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
        )
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:
            # A concurrent request created the same invitation between our check and our insert.
            raise InvitationError(
                _("An invitation for %(email)s is still open. Send it again from the list.")
                % {"email": email}
            ) from None
        invitation.shops.set(shops)
        log_action(
            "merchants.invitation.sent",
            actor=actor,
            partnership=partnership,
            obj=invitation,
            data={"role": role, "shops": [s.pk for s in shops], "owner": is_owner},
        )
        transaction.on_commit(lambda: send_invitation_email(invitation, token, base_url=base_url))
    return invitation


def _already_has(partnership, email, role, shops, is_owner) -> bool:
    """True when accepting would change nothing: same role and, for participants, every shop
    linked already (as owner, when the invitation makes the person owner)."""
    account = account_for_email(email)
    membership = (
        Membership.objects.filter(
            partnership=partnership, role=role, user=account, active=True
        ).first()
        if account
        else None
    )
    if membership is None:
        return False
    if role != Role.PARTICIPANT:
        return True
    linked = dict(membership.assignments.values_list("shop_id", "is_owner"))
    return all(shop.pk in linked and (linked[shop.pk] or not is_owner) for shop in shops)


def resend_invitation(invitation, *, actor, base_url=None) -> Invitation:
    """A fresh link and a fresh expiry for an open or expired invitation; the old link dies."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at or invitation.revoked_at:
            raise InvitationError(_("This invitation has already been used or withdrawn."))
        token = secrets.token_urlsafe(32)
        invitation.token_hash = Invitation.hash_token(token)
        invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
        invitation.save(update_fields=["token_hash", "expires_at"])
        log_action(
            "merchants.invitation.resent",
            actor=actor,
            partnership=invitation.partnership,
            obj=invitation,
        )
        transaction.on_commit(lambda: send_invitation_email(invitation, token, base_url=base_url))
    return invitation


def revoke_invitation(invitation, *, actor) -> Invitation:
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if not updated:
            raise InvitationError(_("This invitation has already been used or withdrawn."))
        log_action(
            "merchants.invitation.revoked",
            actor=actor,
            partnership=invitation.partnership,
            obj=invitation,
        )
    invitation.refresh_from_db()
    return invitation


def invitation_link(token, base_url=None):
    return (base_url or settings.SITE_URL).rstrip("/") + reverse(
        "merchants:invitation_accept", args=[token]
    )


def send_invitation_email(invitation, token, *, base_url=None):
    context = {
        "invitation": invitation,
        "partnership": invitation.partnership,
        "shops": list(invitation.shops.all()),
        "inviter": invitation.invited_by,
        "link": invitation_link(token, base_url),
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    # Invitees have no language setting yet: they get the partnership's language, Dutch.
    send_templated_mail(
        "merchants/email/invitation",
        context,
        to=[invitation.email],
        language=settings.LANGUAGE_CODE,
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


def find_invitation(token) -> Invitation | None:
    return (
        Invitation.objects.select_related("partnership")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


def accept_invitation(invitation, *, user=None, full_name="", password=None) -> User:
    """Turn an open invitation into a membership, creating the account when there is none.

    `user` is the logged-in account accepting (the invited address must be one of its verified
    addresses); otherwise a new account is made with `full_name` and `password`. The link proved
    the address, so it counts as verified. The invitation is claimed first with a conditional
    update, so a double submit or a second tab accepts once, on SQLite as on PostgreSQL.
    """
    with transaction.atomic():
        now = timezone.now()
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(accepted_at=now)
        if not claimed:
            raise InvitationError(_("This invitation can no longer be used."))
        invitation.refresh_from_db()
        shops = list(invitation.shops.all())
        if any(not shop.active for shop in shops):
            raise InvitationError(_("This shop no longer takes part. Ask for a new invitation."))
        owner_of_address = account_for_email(invitation.email)
        if user is None:
            if owner_of_address is not None:
                raise InvitationError(
                    _(
                        "An account with this email address already exists. "
                        "Log in to accept the invitation."
                    )
                )
            try:
                with transaction.atomic():
                    user = User.objects.create_user(
                        invitation.email, password=password, full_name=full_name.strip()
                    )
                    EmailAddress.objects.create(
                        user=user, email=user.email, verified=True, primary=True
                    )
            except IntegrityError:
                # Another invitation to the same address was accepted a moment ago.
                raise InvitationError(
                    _(
                        "An account with this email address already exists. "
                        "Log in to accept the invitation."
                    )
                ) from None
        elif owner_of_address != user:
            raise InvitationError(_("This invitation is meant for another email address."))

        membership, _created = Membership.objects.get_or_create(
            user=user, partnership=invitation.partnership, role=invitation.role
        )
        membership.active = True
        membership.ended_at = None
        membership.save(update_fields=["active", "ended_at"])
        for shop in shops:
            assignment, _new = ShopAssignment.objects.get_or_create(
                membership=membership, shop=shop
            )
            # An invitation can make someone owner of these shops; it never takes ownership away.
            if invitation.is_owner and not assignment.is_owner:
                assignment.is_owner = True
                assignment.save(update_fields=["is_owner"])
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
        log_action(
            "merchants.invitation.accepted",
            actor=user,
            partnership=invitation.partnership,
            obj=invitation,
            data={"membership": membership.pk, "shops": [s.pk for s in shops]},
        )
    access.forget_memberships(user)
    return user


# --- memberships ----------------------------------------------------------------------------------


def end_membership(membership, *, actor) -> Membership:
    """End a role. Its shop links go too: coming back means a new invitation for named shops."""
    with transaction.atomic():
        shops = list(membership.assignments.values_list("shop_id", flat=True))
        membership.assignments.all().delete()
        membership.active = False
        membership.ended_at = timezone.now()
        membership.save(update_fields=["active", "ended_at"])
        # What the person may see has changed: the next request starts from a fresh login.
        end_sessions([membership.user_id])
        log_action(
            "merchants.membership.ended",
            actor=actor,
            partnership=membership.partnership,
            obj=membership,
            data={"shops": shops},
        )
    return membership


def remove_staff_from_shop(assignment, *, actor) -> Membership:
    """A shop owner takes a staff member off its shop; with no shop left the membership ends.

    Owners cannot remove themselves or another owner: that is the coordinator's call.
    """
    membership = assignment.membership
    if membership.user_id == actor.pk:
        raise InvitationError(_("You cannot remove yourself from your shop."))
    if assignment.is_owner:
        raise InvitationError(_("Only the coordinator can remove an owner of this shop."))
    with transaction.atomic():
        assignment.delete()
        log_action(
            "merchants.membership.shop_removed",
            actor=actor,
            partnership=membership.partnership,
            obj=membership,
            data={"shop": assignment.shop_id},
        )
        if not membership.assignments.exists():
            end_membership(membership, actor=actor)
    return membership


def set_user_active(user, *, active, actor) -> User:
    """Deactivating an account logs it out everywhere at once; its memberships stay, so that
    reactivating restores what the person had."""
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            end_sessions([user.pk])
        log_action(
            "merchants.user.reactivated" if active else "merchants.user.deactivated",
            actor=actor,
            obj=user,
        )
    return user


# --- shops ----------------------------------------------------------------------------------------


def set_shop_active(shop, *, active, actor) -> Shop:
    """Deactivating withdraws the shop's open invitations; its staff keep their link, so that
    reactivating restores the shop as it was."""
    with transaction.atomic():
        shop.active = active
        shop.deactivated_at = None if active else timezone.now()
        shop.save(update_fields=["active", "deactivated_at", "updated_at"])
        if not active:
            Invitation.objects.filter(
                shops=shop, accepted_at__isnull=True, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            # Its staff are logged out at once, on every device; with another shop they log in
            # again and work there.
            end_sessions(
                User.objects.filter(memberships__assignments__shop=shop).values("pk").distinct()
            )
        log_action(
            "merchants.shop.reactivated" if active else "merchants.shop.deactivated",
            actor=actor,
            partnership=shop.area.partnership,
            obj=shop,
        )
    return shop


def set_bulletin_email(shop, email, *, actor) -> Shop:
    with transaction.atomic():
        shop.bulletin_email = User.objects.normalize_email(email)
        shop.save(update_fields=["bulletin_email", "updated_at"])
        log_action(
            "merchants.shop.bulletin_email_changed",
            actor=actor,
            partnership=shop.area.partnership,
            obj=shop,
        )
    return shop


# --- the partnership ------------------------------------------------------------------------------

OBJECTION_FIELDS = (
    "objection_address",
    "objection_email",
    "objection_phone",
    "objection_term_weeks",
)


def set_objection_contact(partnership, *, actor, ip_address=None, **values) -> Partnership:
    """Where a person objects to the partnership's letters. Letters issued before keep what they
    said: each copied the contact into its snapshot."""
    unknown = set(values) - set(OBJECTION_FIELDS)
    if unknown:
        raise TypeError(f"Not an objection field: {sorted(unknown)}")
    if not access.can(actor, partnership, "manage_partnership"):
        raise PermissionDenied
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        changed = sorted(name for name, value in values.items() if getattr(locked, name) != value)
        for name, value in values.items():
            setattr(locked, name, value)
            setattr(partnership, name, value)
        if changed:
            locked.save(update_fields=changed)
            log_action(
                "merchants.partnership.objection_contact_changed",
                actor=actor,
                partnership=locked,
                obj=locked,
                data={"fields": changed},
                ip_address=ip_address,
            )
    return partnership


# --- protocol -------------------------------------------------------------------------------------


def current_protocol(partnership) -> ProtocolVersion | None:
    return (
        ProtocolVersion.objects.filter(partnership=partnership, published_at__isnull=False)
        .order_by("-published_at")
        .first()
    )


def has_signed_current_protocol(user, partnership) -> bool:
    """One query (every gallery photo asks): the latest published version as a subquery, which
    is NULL, and matches no declaration, while none is published."""
    latest = (
        ProtocolVersion.objects.filter(partnership=partnership, published_at__isnull=False)
        .order_by("-published_at")
        .values("pk")[:1]
    )
    return ProtocolDeclaration.objects.filter(
        version=Subquery(latest), user=user, shop=None
    ).exists()


def sign_protocol(version, *, actor, shop=None) -> ProtocolDeclaration:
    """Record a signature; signing again keeps the first time stamp.

    Without `shop` the person signs for itself (the gallery asks this); with `shop` an owner signs
    the shop's declaration (bulletins go only to shops with one), once per shop and version.
    """
    if shop is None:
        lookup = {"version": version, "user": actor, "shop": None}
    else:
        lookup = {"version": version, "shop": shop}
    with transaction.atomic():
        declaration, created = ProtocolDeclaration.objects.get_or_create(
            **lookup, defaults={"user": actor}
        )
        if created:
            log_action(
                "merchants.protocol.signed",
                actor=actor,
                partnership=version.partnership,
                obj=declaration,
                data={"version": version.version, "shop": shop.pk if shop else None},
            )
    return declaration
