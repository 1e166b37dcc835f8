from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLength):
    """Django 5.2.19 renamed this message's msgid and its Dutch catalogue lacks the new one, so
    Dutch users saw English. Same rule, with a message from our own catalogue."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It needs at least %(min_length)d character.",
            "This password is too short. It needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
