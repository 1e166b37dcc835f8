"""National-scale data for benchmarks and load tests (demo.scale): PostgreSQL only."""

from django.core.management.base import BaseCommand, CommandError

from demo.scale import SCALE_DOMAIN, SCALE_PASSWORD, Scale, ScaleError, seed_scale


class Command(BaseCommand):
    help = (
        "Fill a fresh PostgreSQL database with national-scale data: 100 partnerships, 1,000 "
        "areas, 10,000 shops, 1,000,000 incidents, 10,000 people with measures, 50,000 claims."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor",
            type=float,
            default=1.0,
            help="Scale every count by this factor (0.01 for a quick try).",
        )

    def handle(self, *args, factor, **options):
        if not 0 < factor <= 10:
            raise CommandError("--factor must be above 0 and at most 10.")
        scale = Scale().scaled(factor)
        self.stdout.write(f"Seeding {scale} ...")
        try:
            result = seed_scale(scale, out=self.stdout.write)
        except ScaleError as error:
            raise CommandError(str(error)) from None
        for name, count in result["counts"].items():
            self.stdout.write(f"{name:>20}: {count:,}")
        self.stdout.write(f"{'seconds':>20}: {sum(result['seconds'].values()):.0f}")
        self.stdout.write(
            f"Accounts: medewerker<shop id>@{SCALE_DOMAIN}, wijkagent<n>@{SCALE_DOMAIN} and so on, "
            f"password {SCALE_PASSWORD}."
        )
