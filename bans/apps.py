from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bans"
    verbose_name = _("Register")
