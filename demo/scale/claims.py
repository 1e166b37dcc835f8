"""The national-scale civil claims: one per linked incident up to ``Scale.claims``, in every state
in the shares of ``CLAIM_STATES``, numbered without gaps per partnership and year.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

# --- claims ---------------------------------------------------------------------------------------

# Share of claims per state, as a partnership's books look after a few years.
CLAIM_STATES = [
    ("paid", 0.46),
    ("sent", 0.14),
    ("partially_paid", 0.06),
    ("reminded", 0.08),
    ("collection", 0.07),
    ("written_off", 0.05),
    ("cancelled", 0.04),
    ("draft", 0.10),
]


def _claims(world, scale, now, rng):
    from claims.models import Claim, ClaimCounter, ClaimLine, ClaimStatusChange
    from claims.services import rf_reference

    today = timezone.localdate(now)
    pairs = [
        (person, partnership, incident_id, occurred, shop_id)
        for person, partnership, own in world.plans
        for incident_id, occurred, shop_id in own
    ][: scale.claims]
    states = [state for state, _share in CLAIM_STATES]
    weights = [share for _state, share in CLAIM_STATES]
    sequences: dict[tuple[int, int], int] = {}
    claims, lines = [], []
    fixed = Decimal("181.00")
    for person, partnership, incident_id, occurred, _shop in sorted(pairs, key=lambda p: p[3]):
        year = timezone.localtime(occurred).year
        key = (partnership.pk, year)
        sequences[key] = sequence = sequences.get(key, 0) + 1
        state = rng.choices(states, weights)[0]
        damage = Decimal(rng.randrange(0, 6000)) / 100 if rng.random() < 0.3 else Decimal(0)
        total = fixed + damage
        sent_on = None if state == "draft" else timezone.localdate(occurred) + timedelta(days=7)
        sent_on = min(sent_on, today) if sent_on else None
        paid = {"paid": total, "partially_paid": (total / 2).quantize(Decimal("0.01"))}.get(
            state, Decimal(0)
        )
        claim = Claim(
            partnership=partnership,
            incident_id=incident_id,
            person=person,
            year=year,
            sequence=sequence,
            number=f"{partnership.code}-{year}-{sequence:05d}",
            payment_reference=rf_reference(f"{partnership.code}{year}{sequence:05d}"),
            fixed_amount=fixed,
            status=state,
            snapshot={
                "full_name": person.full_name,
                "address": person.address,
                "residence": person.residence,
                "birth_date": person.birth_date.isoformat(),
            },
            total=total,
            paid=paid,
            sent_on=sent_on,
            due_on=sent_on + timedelta(days=15) if sent_on else None,
            created_by_id=world.officers[partnership.pk],
        )
        claims.append(claim)
        if damage:
            lines.append((claim, damage))
    Claim.objects.bulk_create(claims, batch_size=5000)
    ClaimLine.objects.bulk_create(
        (ClaimLine(claim=c, description="Directe schade", amount=a) for c, a in lines),
        batch_size=5000,
    )
    ClaimStatusChange.objects.bulk_create(
        (ClaimStatusChange(claim=c, old_status="", new_status=c.status) for c in claims),
        batch_size=5000,
    )
    ClaimCounter.objects.bulk_create(
        ClaimCounter(partnership_id=p, year=y, last=last) for (p, y), last in sequences.items()
    )
