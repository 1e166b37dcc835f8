"""What a report says about the offender and the damage, for a claim on it: the offender's gender
and age (``_offender_age``: None when too young for a claim) and the lines of direct damage
(``_lines``).
"""

from decimal import ROUND_HALF_UP

from django.utils import timezone

from claims import services as claim_services
from demo.claims.tables import CENT, DAMAGED, LABEL_LINE, LINE_NAMES, PAIRS
from demo.register import F, M


def _age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _gender(incident):
    text = incident.description.lower()
    if "een vrouw" in text or "een meisje" in text:
        return F
    if "een man" in text or "een jongen" in text:
        return M
    return None


def _offender_age(incident):
    """The offender's age on the day as the report gives it; None when under 14 (no claim)."""
    text = incident.description.lower()
    if incident.person_birth_date:
        age = _age_on(incident.person_birth_date, timezone.localdate(incident.occurred_at))
    elif incident.person_age:
        age = incident.person_age
    elif "een jongen" in text or "een meisje" in text:
        age = 14 + incident.pk % 4
    else:
        age = 18 + incident.pk % 30
    return age if age >= claim_services.MINIMUM_AGE else None


def _lines(incident, rng) -> list:
    """The direct damage: what was taken and not recovered, or came back unsellable, and the
    security label when the report says it was torn off."""
    value = incident.goods_value
    text = incident.description
    lines = []
    pair = next((words for phrase, words in PAIRS.items() if phrase in text), None)
    goods = next((phrase for phrase in LINE_NAMES if phrase in text), "")
    if value and (pair or goods):
        name = pair[0] if pair else rng.choice(LINE_NAMES[goods])
        if not incident.goods_recovered:
            if pair and rng.random() < 0.6:
                half = (value / 2).quantize(CENT, rounding=ROUND_HALF_UP)
                lines += [(pair[1], half), (pair[2], value - half)]
                if pair[3] and rng.random() < 0.5:
                    lines.append(pair[3])
            else:
                lines.append((name, value))
        elif rng.random() < 0.2:
            lines.append((DAMAGED.format(name=name), value))
    if "beveiligingslabel" in text and len(lines) < 3 and (lines or rng.random() < 0.3):
        lines.append(LABEL_LINE)
    return lines
