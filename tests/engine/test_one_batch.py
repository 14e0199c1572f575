"""A batch of several readings gives each the result it gets alone (rules written once over arrays)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engine.facts import read_facts
from app.engine.rules import evaluate, evaluate_many

from .strategies import as_of_dates, profiles

SETTINGS = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])


def _summary(evaluation) -> tuple:
    """What a what-if option reads from an evaluation, and the dimensions and gaps behind it."""
    return (
        evaluation.score,
        evaluation.level,
        evaluation.level_capped,
        evaluation.route,
        evaluation.dimensions,
        [(p.code, p.result) for p in evaluation.programmes],
        [(g.requirement, g.market, g.severity, g.product_hs) for g in evaluation.gaps],
    )


@SETTINGS
@given(batch=st.lists(profiles, min_size=2, max_size=6), as_of=as_of_dates)
def test_profiles_evaluated_together_get_what_each_gets_alone(policy, batch, as_of):
    """evaluate_many (the what-if search's batch) equals evaluate on each profile alone, row by row,
    whatever mix of known and unknown size classes the batch holds."""
    on_date = policy.on(as_of)
    facts = [read_facts(profile, as_of, on_date) for profile in batch]
    together = evaluate_many(facts, on_date)
    alone = [evaluate(one, on_date, with_review=False) for one in facts]
    assert [_summary(e) for e in together] == [_summary(e) for e in alone]
