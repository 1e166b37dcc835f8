"""Print the current TOTP code of the demo accounts (see `seed_demo`). Development only."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.merchants import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code for the demo accounts (only when DEBUG is on)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp only works with DEBUG on: demo accounts have no TOTP.")
        now = time.time()
        period = app_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now) // period))
        remaining = period - int(now) % period
        self.stdout.write(code)
        self.stderr.write(f"valid for another {remaining} s (secret {DEMO_TOTP_SECRET})")
