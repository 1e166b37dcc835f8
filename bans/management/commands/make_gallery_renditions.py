"""Make the gallery's large rendition for photos of people added before 0.9 (PersonPhoto.display).

Safe to stop and run again: each photo is done in its own transaction and skipped once it has a
rendition; a photo whose file is missing or unreadable is reported and left as it is (the gallery
then keeps scaling its original).
"""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from bans.models import PersonPhoto
from bans.services import store_rendition
from plumbing.files import delete_files


class Command(BaseCommand):
    help = "Make the gallery's large rendition of photos of people that have none yet."

    def handle(self, *args, **options):
        made = failed = 0
        for pk in PersonPhoto.objects.filter(display="").values_list("pk", flat=True).iterator():
            stored = []
            try:
                with transaction.atomic():
                    photo = PersonPhoto.objects.select_for_update().get(pk=pk)
                    if photo.display:
                        continue
                    with default_storage.open(photo.original.name) as original:
                        name = store_rendition(original.read(), "people/display", stored)
                    PersonPhoto.objects.filter(pk=pk).update(display=name)
                made += 1
            except (OSError, ValueError):
                delete_files(stored)
                failed += 1
                self.stderr.write(f"photo {pk}: the original could not be read; left as it is")
        self.stdout.write(f"{made} renditions made, {failed} photos left as they were")
