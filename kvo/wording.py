"""Django's Dutch wording for four messages that Django REST framework translates otherwise.

An installed app's catalogue outranks Django's own, so with `rest_framework` installed every
required form field would say "Dit veld is vereist." instead of "Dit veld is verplicht.". Listed
here, these messages are in the project's catalogue (locale/, which outranks every app) with
Django's wording, for the web forms and the API alike.
"""

from django.utils.translation import gettext_noop

PINNED = (
    gettext_noop("This field is required."),
    gettext_noop("No file was submitted."),
    gettext_noop(
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ),
    gettext_noop("Value must be valid JSON."),
)
