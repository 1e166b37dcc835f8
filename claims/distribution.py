"""How paid money is shared out: the shop's share of the fixed amount, the administration fee, the
area fund, direct damage to the shop and collection costs to the administration."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from claims.models import (
    Claim,
    ClaimPayment,
)
from claims.services import S

# --- Figures -----------------------------------------------------------------------------------


def distribution(partnership, start, end) -> dict:
    """Money received between two dates (inclusive), and who gets it."""
    payments = ClaimPayment.objects.filter(
        claim__partnership=partnership, paid_on__gte=start, paid_on__lte=end
    )
    sums = payments.aggregate(
        received=Sum("amount"),
        shop=Sum("shop_amount"),
        admin=Sum("admin_amount"),
        fund=Sum("fund_amount"),
        payments=Count("pk"),
        claims=Count("claim", distinct=True),
    )
    zero = Decimal("0.00")
    per_shop = (
        payments.values("claim__incident__shop__name", "claim__incident__shop_id")
        .annotate(amount=Sum("shop_amount"), claims=Count("claim", distinct=True))
        .order_by("claim__incident__shop__name")
    )
    issued = Claim.objects.filter(
        partnership=partnership, sent_on__gte=start, sent_on__lte=end
    ).exclude(status=S.CANCELLED)
    issued_sums = issued.aggregate(
        claimed=Sum("total"),
        paid=Sum("paid"),
        count=Count("pk"),
        settled=Count("pk", filter=Q(status=S.PAID)),
    )
    claimed = issued_sums["claimed"] or zero
    return {
        "start": start,
        "end": end,
        "received": sums["received"] or zero,
        "shop": sums["shop"] or zero,
        "admin": sums["admin"] or zero,
        "fund": sums["fund"] or zero,
        "payments": sums["payments"],
        "paying_claims": sums["claims"],
        "per_shop": [
            {
                "shop": row["claim__incident__shop__name"],
                "amount": row["amount"],
                "claims": row["claims"],
            }
            for row in per_shop
        ],
        "issued": issued_sums["count"],
        "claimed": claimed,
        "recovered": issued_sums["paid"] or zero,
        "settled": issued_sums["settled"],
        # Of the money claimed with the claims sent in the period, the part paid so far.
        "recovery_rate": ((issued_sums["paid"] or zero) / claimed * 100) if claimed else None,
    }
