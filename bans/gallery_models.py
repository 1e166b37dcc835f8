"""The gallery's watermarked copies (issue 22): made once per viewer, day and size, kept in the
private storage and handed out by signed links, so that a photo request never reaches Python.
The rules that make and delete them are in bans/gallery_copies.py."""

from django.db import models

from merchants.models import Partnership


class GalleryViewer(models.Model):
    """The shops whose names one watermark carries: every participant working in exactly these
    shops sees the same copies. ``last_seen`` (a day) tells the nightly run whose copies to make
    before anyone asks."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    # A hash of the sorted shop ids: fixed length, whatever the number of shops.
    key = models.CharField(max_length=32)
    shop_ids = models.JSONField(default=list)
    text = models.TextField()
    last_seen = models.DateField()
    # The sizes (plumbing.images.GALLERY_BOXES) this viewer's screens asked for: a phone the
    # large one, a desktop the middle one. The nightly run makes these; empty means all.
    sizes = models.CharField(max_length=3, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "key"], name="gallery_viewer_once")
        ]

    def __str__(self):
        return f"gallery viewer {self.key}"


class GalleryCopy(models.Model):
    """One watermarked copy of a gallery photo: for one viewer, one day and one size. Deleting the
    row deletes the file (bans/gallery_copies.py), so a link made earlier gives nothing."""

    viewer = models.ForeignKey(GalleryViewer, on_delete=models.CASCADE, related_name="copies")
    person = models.ForeignKey("bans.Person", on_delete=models.CASCADE, related_name="+")
    photo = models.ForeignKey("bans.PersonPhoto", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    size = models.CharField(max_length=1)
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "viewer", "day", "size"], name="gallery_copy_once"
            )
        ]
        indexes = [models.Index(fields=["day"], name="gallery_copy_day")]

    def __str__(self):
        return f"gallery copy {self.size} of photo {self.photo_id}"
