"""Where and how a person objects to a letter of the partnership: the notice of a measure (bans)
and the civil claim (claims) both print it.

These are the partnership's own contact details, so they live on the ground floor, on
``Partnership``; each letter copies ``objection_snapshot()`` into its own snapshot when it is
issued, so a letter keeps the address it was sent with after the partnership moves.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_TERM_WEEKS = 6
MIN_TERM_WEEKS, MAX_TERM_WEEKS = 2, 26
MAX_ADDRESS_LINES = 5

_PHONE_CHARACTERS = re.compile(r"[0-9 ()+.-]+")
# A Dutch number (0570 123 456, 06 12345678, 0800 1234) or an international one (+31 570 …).
_PHONE_DIGITS = re.compile(r"\+[1-9][0-9]{7,14}|0[0-9]{7,10}")


def validate_phone(value):
    digits = re.sub(r"[ ().-]", "", value)
    if not (_PHONE_CHARACTERS.fullmatch(value) and _PHONE_DIGITS.fullmatch(digits)):
        raise ValidationError(
            _("Enter a phone number such as 0570 123 456 or +31 570 123 456."), code="phone"
        )


def address_lines(text) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ObjectionContact(models.Model):
    """The fields of ``Partnership`` that say where to object; empty until the coordinator fills
    them in, and then the letters name the partnership and the officer instead."""

    objection_address = models.TextField(
        _("postal address for objections"),
        max_length=300,
        blank=True,
        help_text=_(
            "As it goes on an envelope, one line each: for example Stichting KVO Deventer, "
            "Postbus 5000, 7400 GC Deventer."
        ),
    )
    objection_email = models.EmailField(_("email address for objections"), blank=True)
    objection_phone = models.CharField(
        _("phone number for questions about objecting"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
    )
    objection_term_weeks = models.PositiveSmallIntegerField(
        _("term to object (weeks)"),
        default=DEFAULT_TERM_WEEKS,
        validators=[MinValueValidator(MIN_TERM_WEEKS), MaxValueValidator(MAX_TERM_WEEKS)],
        help_text=_("Counted from the date of the letter."),
    )

    class Meta:
        abstract = True

    @property
    def has_objection_address(self) -> bool:
        return bool(address_lines(self.objection_address))

    def objection_snapshot(self) -> dict:
        """What a letter states about objecting, as plain JSON types."""
        return {
            "address_lines": address_lines(self.objection_address),
            "email": self.objection_email.strip(),
            "phone": self.objection_phone.strip(),
            "term_weeks": self.objection_term_weeks,
        }
