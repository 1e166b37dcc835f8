"""Form fields shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError

_MAX_ID = 2**63 - 1


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField over integer ids that refuses what is not an id before asking
    the database: Django hands any string to an ``__in`` lookup, and a number beyond 64 bits
    crashes SQLite's driver (a 500 where a form error belongs)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit()) or int(text) > _MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
