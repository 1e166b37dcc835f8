from merchants.access import memberships

SESSION_KEY = "kvo_partnership_id"


def current_partnership(request):
    """The partnership the user works in now: the one chosen in the session, else the first."""
    user = request.user
    if not user.is_authenticated:
        return None
    partnerships = {m.partnership_id: m.partnership for m in memberships(user)}
    if not partnerships:
        return None
    chosen = request.session.get(SESSION_KEY)
    if chosen in partnerships:
        return partnerships[chosen]
    return next(iter(partnerships.values()))


class CurrentPartnershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partnership = current_partnership(request)
        return self.get_response(request)
