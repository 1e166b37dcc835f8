"""Seed the demo: KVO Deventer with its areas, shops and users (demo.merchants) and the areas'
certification dossiers (demo.certification), then two years of incidents (demo.incidents),
then a register of about 40 people with measures in force (demo.register), then about 200 civil
claims with their letters and payments (demo.claims), in one transaction.

Idempotent and deterministic: running it again changes no counts. Passwords and TOTP secrets are
only set when DEBUG is on; in production the accounts get unusable passwords.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from demo import alerts as alerts_demo
from demo import certification as dossier_demo
from demo import claims as claims_demo
from demo import incidents as incidents_demo
from demo import merchants as merchants_demo
from demo import police_link as police_demo
from demo import register as bans_demo


class Command(BaseCommand):
    help = (
        "Create the KVO Deventer demo partnership with areas, shops, users and a protocol, two "
        "years of incidents, a register of people with measures in force, and civil claims."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-claims",
            dest="claims",
            action="store_false",
            help="Leave out the civil claims: they take most of a minute (every letter is a PDF).",
        )

    def handle(self, *args, **options):
        debug = bool(settings.DEBUG)
        verbose = options["verbosity"] >= 2
        started = time.monotonic()
        with transaction.atomic():
            merchants = merchants_demo.seed_merchants(
                debug=debug, stdout=self.stdout if verbose else None
            )
            partnership = merchants["partnership"]
            dossiers = dossier_demo.seed_dossier(
                partnership, coordinator=merchants["users"][dossier_demo.COORDINATOR_EMAIL]
            )
            incidents = incidents_demo.seed_incidents(partnership)
            officer = merchants["users"][bans_demo.OFFICER_EMAIL]
            register = bans_demo.seed_register(partnership, officer=officer)
            alert_settings = alerts_demo.seed_alerts(partnership)
            police_link = police_demo.seed_police_link(partnership)
            claims_started = time.monotonic()
            civil_claims = {"claims": 0, "skipped": True, "note": "left out"}
            if options["claims"]:
                civil_claims = claims_demo.seed_claims(
                    partnership,
                    officer=officer,
                    coordinator=merchants["users"][claims_demo.COORDINATOR_EMAIL],
                )
            if verbose and not civil_claims["skipped"]:
                self.stdout.write(f"Claims seeded in {time.monotonic() - claims_started:.1f} s.")
        if verbose:
            self.stdout.write(f"Seeded in {time.monotonic() - started:.1f} s.")

        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        lines = merchants_demo.summary_lines(partnership, merchants["created"])
        lines += dossier_demo.summary_lines(partnership, dossiers)
        lines += incidents_demo.summary_lines(partnership, incidents)
        lines += bans_demo.summary_lines(partnership, register)
        lines += claims_demo.summary_lines(partnership, civil_claims)
        lines += alerts_demo.summary_lines(partnership, alert_settings)
        lines += police_demo.summary_lines(partnership, police_link)
        self.stdout.write("\n".join(lines))
        self.stdout.write("")
        merchants_demo.write_logins(self.stdout, self.style, debug=debug)
