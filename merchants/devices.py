"""The devices a user allowed to receive alerts (Web Push subscriptions), and sending to them.

A device is a browser's push subscription: the push service's address for it and the keys to
encrypt for it. The user names and removes devices on the profile page. Messages carry nothing
identifying (plumbing.push); a device the push service reports gone is removed at once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plumbing import push


class PushDevice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_devices"
    )
    name = models.CharField(_("device"), max_length=120)
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("device for alerts")
        verbose_name_plural = _("devices for alerts")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} of user {self.user_id}"

    def subscription(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


def register_device(user, *, endpoint, p256dh, auth, name) -> PushDevice:
    """Add (or, for the same browser, renew) a device of `user`. A subscription that another
    user had on this browser moves to `user`: the browser belongs to whoever logged in."""
    device, _created = PushDevice.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "name": name[:120]},
    )
    return device


def push_to(device, message) -> push.Outcome:
    """Push `message` to one device: a device the push service reports gone is deleted, one that
    took it is marked used."""
    outcome = push.send(device.subscription(), message)
    if outcome.state == push.GONE:
        device.delete()
    elif outcome.state == push.SENT:
        PushDevice.objects.filter(pk=device.pk).update(last_used_at=timezone.now())
    return outcome


def notify(users, *, title, body, url, tag) -> dict:
    """Push one message to every device of `users`; returns counts by outcome."""
    counts = {push.SENT: 0, push.GONE: 0, push.FAILED: 0}
    message = {"title": str(title), "body": str(body), "url": url, "tag": tag}
    for device in PushDevice.objects.filter(user__in=users, user__is_active=True):
        counts[push_to(device, message).state] += 1
    return counts
