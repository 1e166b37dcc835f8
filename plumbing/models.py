"""Abstract model plumbing shared by the apps (no concrete models here, so no app)."""

from django.db import models


class StoredImage(models.Model):
    """A photo as kept by plumbing.files.store_image: re-encoded original and thumbnail under
    random names in private storage, with the original's size."""

    original = models.FileField(max_length=200)
    thumbnail = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # SHA-256 of `original` as stored on receipt (hex), so a later copy can be checked against
    # it; empty for photos stored before 0.9.
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
