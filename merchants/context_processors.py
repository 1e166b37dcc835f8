from merchants.access import capabilities_in, memberships, mfa_required, owned_shops, roles_in


def partnership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = getattr(request, "partnership", None)
    all_partnerships = {m.partnership_id: m.partnership for m in memberships(user)}
    on_mfa_setup = getattr(request.resolver_match, "url_name", None) == "mfa_activate_totp"
    return {
        "mfa_setup_required": on_mfa_setup and mfa_required(user),
        "current_partnership": current,
        "user_partnerships": list(all_partnerships.values()),
        "caps": capabilities_in(user, current),
        "my_roles": roles_in(user, current),
        "owns_shops": owned_shops(user).exists,
    }
