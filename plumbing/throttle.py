"""A fixed-window counter in the cache (Redis in production, shared by every web node): for
pages without an account, where allauth's rate limits do not reach."""

from django.core.cache import cache


def allow(key: str, *, limit: int, period: int) -> bool:
    """Count one attempt under `key`; False once more than `limit` were made in the window of
    `period` seconds that the first attempt opened."""
    name = f"throttle:{key}"
    if cache.add(name, 1, timeout=period):
        return True
    try:
        count = cache.incr(name)
    except ValueError:  # the window closed between add and incr
        cache.add(name, 1, timeout=period)
        return True
    return count <= limit


def spent(key: str, *, limit: int) -> bool:
    """Whether `key` used up its attempts, without counting one."""
    return (cache.get(f"throttle:{key}") or 0) >= limit
