"""Values derived from a loaded policy, computed once per policy object (a loaded Policy never changes)."""

from __future__ import annotations

import functools
from collections.abc import Callable


def cached_per_policy(limit: int = 256, key: Callable[..., tuple] | None = None):
    """Decorate a function of (policy, *arguments) to compute once per policy object and arguments (or `key`
    of the arguments): a loaded Policy never changes. The policy is kept beside its value, so a new object at
    a reused id() is never taken for it; the cache is emptied past `limit` entries."""

    def decorate(function):
        cache: dict[tuple, tuple] = {}

        @functools.wraps(function)
        def cached(policy, *arguments):
            found_key = (id(policy), *(key(*arguments) if key else arguments))
            found = cache.get(found_key)
            if found is not None and found[0] is policy:
                return found[1]
            if len(cache) > limit:
                cache.clear()
            value = function(policy, *arguments)
            cache[found_key] = (policy, value)
            return value

        cached.cache_clear = cache.clear
        return cached

    return decorate
