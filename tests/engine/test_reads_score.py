"""Rule.reads_score is honest: at a score boundary the batch path runs again only the criteria whose rule
declares it reads the score, so every other rule must give the same outcomes at any score."""

from __future__ import annotations

from datetime import date

import numpy as np

from app.demo.generator import generate_profiles
from app.engine import batch, profiles_to_frame
from app.engine.criteria import RULES
from app.engine.inputs import read_inputs, size_index
from app.engine.policy import load_policy

AS_OF = date(2026, 11, 29)


def test_only_rules_that_declare_it_read_the_score():
    """Each criterion of every programme at score 0 and at score 100: equal unless its rule reads it."""
    policy = load_policy().on(AS_OF)
    frame = profiles_to_frame(generate_profiles(400, 7))
    inputs = read_inputs(frame, AS_OF, policy)
    evaluation = batch._evaluate(frame, AS_OF, policy, size_index(frame, policy), inputs)
    low, high = np.zeros(len(frame)), np.full(len(frame), 100.0)
    differs = set()
    for programme in policy.programmes:
        for criterion in programme.criteria:
            rule = RULES[criterion.rule]
            at_low = rule.evaluate(evaluation.batch, criterion.params, low)
            at_high = rule.evaluate(evaluation.batch, criterion.params, high)
            if not np.array_equal(at_low, at_high):
                differs.add(rule.name)
    declared = {name for name, rule in RULES.items() if rule.reads_score}
    assert differs <= declared, differs - declared
    assert differs, "no criterion of the policy reads the score: the test reads nothing"
