"""Create a partnership and invite its first coordinator: how a fresh installation starts.

    manage.py create_partnership --name "KVO Deventer" --slug deventer --code DEV \\
        --municipality Deventer --coordinator coordinator@deventer.nl

The coordinator gets the usual invitation email, chooses a password and sets up TOTP through its
link, and from then on runs the partnership in the site (areas, shops, members). Nothing here needs
the Django admin. A slug that exists is refused; `--resend` mails a fresh link to the first
coordinator of an existing partnership that has none yet (the first mail never arrived).
"""

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from merchants import services
from merchants.models import Invitation, Membership, Partnership, User
from merchants.roles import Role

AUDIT_SOURCE = "manage.py create_partnership"


class Command(BaseCommand):
    help = (
        "Create a partnership and email an invitation to its first coordinator, who then sets a "
        "password and a second factor through the link."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", help='Full name, e.g. "KVO Deventer".')
        parser.add_argument("--slug", required=True, help="Short name: lower case, e.g. deventer.")
        parser.add_argument(
            "--code", help="2 to 6 capital letters, the prefix of claim numbers, e.g. DEV."
        )
        parser.add_argument("--municipality", help="e.g. Deventer.")
        parser.add_argument(
            "--coordinator",
            required=True,
            metavar="EMAIL",
            help="Email address of the first coordinator.",
        )
        parser.add_argument(
            "--resend",
            action="store_true",
            help="The partnership exists but its first coordinator never got the mail: send a "
            "fresh link (the old one stops working).",
        )

    def handle(self, *args, **options):
        email = User.objects.normalize_email(options["coordinator"].strip())
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        existing = Partnership.objects.filter(slug=options["slug"]).first()
        if options["resend"]:
            if existing is None:
                raise CommandError(f"There is no partnership with slug {options['slug']!r}.")
            invitation = self.send(lambda: self.reinvite(existing, email), existing)
        else:
            if existing is not None:
                raise CommandError(
                    f"A partnership with slug {existing.slug!r} already exists ({existing.name}); "
                    "nothing was changed. If its first coordinator's invitation never arrived, "
                    "run this command again with --resend."
                )
            partnership = self.build(options)
            invitation = self.send(lambda: self.create(partnership, email), partnership)
            self.stdout.write(
                f"Created partnership {partnership.name} "
                f"(slug {partnership.slug}, code {partnership.code})."
            )
        self.stdout.write(
            f"Invitation for {invitation.email} as coordinator sent; the link is valid for "
            f"{settings.INVITATION_VALID_DAYS} days and starts with {settings.SITE_URL}/ "
            "(SITE_URL)."
        )

    def build(self, options) -> Partnership:
        missing = [f"--{key}" for key in ("name", "code", "municipality") if not options[key]]
        if missing:
            raise CommandError(f"A new partnership needs {', '.join(missing)}.")
        partnership = Partnership(
            name=options["name"].strip(),
            slug=options["slug"],
            code=options["code"],
            municipality=options["municipality"].strip(),
        )
        try:
            partnership.full_clean()
        except ValidationError as error:
            problems = "; ".join(
                f"--{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(f"Cannot create this partnership. {problems}") from None
        return partnership

    def create(self, partnership, email) -> Invitation:
        with transaction.atomic():
            partnership.save()
            services.log_action(
                "merchants.partnership.created",
                partnership=partnership,
                obj=partnership,
                data={"source": AUDIT_SOURCE},
            )
            # No actor: nobody in the partnership exists yet to invite the first coordinator.
            return services.invite(
                partnership=partnership, email=email, role=Role.COORDINATOR, actor=None
            )

    def reinvite(self, partnership, email) -> Invitation:
        if Membership.objects.filter(
            partnership=partnership, role=Role.COORDINATOR, active=True
        ).exists():
            raise CommandError(
                f"{partnership.name} already has a coordinator, who invites others in the site "
                "(Members)."
            )
        open_invitation = (
            Invitation.objects.filter(
                partnership=partnership,
                email__iexact=email,
                role=Role.COORDINATOR,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
            )
            .order_by("-created_at")
            .first()
        )
        with transaction.atomic():
            if open_invitation is not None:
                return services.resend_invitation(open_invitation, actor=None)
            return services.invite(
                partnership=partnership, email=email, role=Role.COORDINATOR, actor=None
            )

    def send(self, action, partnership) -> Invitation:
        """Run `action`; the invitation mail goes out when its transaction commits."""
        try:
            return action()
        except services.InvitationError as error:
            raise CommandError(str(error)) from None
        except (smtplib.SMTPException, OSError) as error:
            raise CommandError(
                f"{partnership.name} is saved, but the invitation mail could not be sent "
                f"({type(error).__name__}: {error}). Check EMAIL_URL, then run this command "
                f"again with --slug {partnership.slug} --coordinator ... --resend."
            ) from None
