"""The pure rules engine (no Flask, no database): policy-v1 as data, one profile or a whole table at once."""

from app.engine.assess import assess, programme_catalogue, requirements_for
from app.engine.errors import PolicyError
from app.engine.policy import DEFAULT_POLICY_DIR, Policy, load_policy
from app.engine.whatif import what_if

__all__ = [
    "DEFAULT_POLICY_DIR",
    "Policy",
    "PolicyError",
    "assess",
    "assess_frame",
    "load_policy",
    "profiles_to_frame",
    "programme_catalogue",
    "requirements_for",
    "what_if",
]


def __getattr__(name: str):
    """Import the vectorised batch engine (numpy, pandas) only when one of its names is used (PEP 562)."""
    if name in ("assess_frame", "profiles_to_frame"):
        from app.engine import batch

        return getattr(batch, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
