"""What every step of the national-scale data shares: the accounts' password, TOTP secret and
domain, the partnerships' slug prefix, ``ScaleError``, the sizes (``Scale``) and the partnerships'
codes.
"""

from __future__ import annotations

from dataclasses import dataclass

SCALE_PASSWORD = "scale-kvo-2026"  # noqa: S105 (test data, documented)
SCALE_TOTP_SECRET = "KVOSCALEKVOSCALEKVOSCALEKVOSCALE"  # noqa: S105 (test data)
SCALE_DOMAIN = "scale.kvo.test"
SLUG_PREFIX = "scale-"


class ScaleError(Exception):
    """Why the data cannot be made here (wrong database, already there)."""


@dataclass
class Scale:
    partnerships: int = 100
    areas_per_partnership: int = 10
    shops_per_area: int = 10
    incidents: int = 1_000_000
    people: int = 10_000
    claims: int = 50_000
    officers_per_partnership: int = 1

    def scaled(self, factor: float) -> Scale:
        """Everything times ``factor``, keeping at least one of each (for quick runs and tests)."""
        return Scale(
            partnerships=max(1, round(self.partnerships * factor)),
            areas_per_partnership=self.areas_per_partnership,
            shops_per_area=self.shops_per_area,
            incidents=max(1, round(self.incidents * factor)),
            people=max(1, round(self.people * factor)),
            claims=max(0, round(self.claims * factor)),
            officers_per_partnership=self.officers_per_partnership,
        )


def partnership_code(number: int) -> str:
    """S + three letters: SAAA, SAAB, ... (2 to 6 capital letters, never a real one's)."""
    letters = ""
    for _ in range(3):
        number, digit = divmod(number, 26)
        letters = chr(65 + digit) + letters
    return "S" + letters
