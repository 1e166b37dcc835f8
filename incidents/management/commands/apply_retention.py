from django.core.management.base import BaseCommand

from incidents import retention


class Command(BaseCommand):
    help = "Strip personal data from incidents that led to no measure, a year after closing."

    def handle(self, *args, **options):
        result = retention.strip_personal_data()
        self.stdout.write(
            f"Retention run {result['run']}: {result['incidents']} incidents, "
            f"{result['photos']} photos removed."
        )
