"""What-if (policy-v1 §7): the smallest sets of actions that change the route or raise the level.

Each candidate set is applied to a copy of the profile and the same rules are re-run; nothing is
approximated. The search only tries actions that address something failing, evaluates the set of all
candidates first (the rules are monotone in these actions, so what that set cannot reach no subset can;
the single actions are evaluated in the same batch), then tries sets of 1, 2 and 3 actions, and stops a
goal at the first size that reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations, islice

from app.engine.dates import parse_date
from app.engine.facts import read_facts, read_many
from app.engine.policy import Policy
from app.engine.rules import Evaluation, evaluate, evaluate_many, quality_items_applying

LEVEL_GOAL, ROUTE_GOAL = "level", "route"


@dataclass(frozen=True)
class Action:
    """One thing an IKM can do: obtain a certificate, reach an export lot, get a buyer contract, ..."""

    kind: str
    code: str | None = None
    market: str | None = None
    product_index: int | None = None
    amount: float | None = None
    unit: str | None = None

    def apply(self, profile: dict) -> None:
        """Change a shallow copy of the profile (sub-objects are replaced, never mutated)."""
        if self.kind in ("obtain_certificate", "complete_export_training"):
            profile["certifications"] = [*(profile.get("certifications") or ()), {"code": self.code}]
        elif self.kind == "reach_export_lot":
            products = list(profile["products"])
            product = dict(products[self.product_index])
            product["monthly_capacity"] = self.amount
            product["capacity_unit"] = self.unit
            products[self.product_index] = product
            profile["products"] = products
        elif self.kind == "get_buyer_contract":
            profile["buyer_contract"] = {"market": self.market}
        elif self.kind == "adopt_practice":
            profile["practices"] = {**(profile.get("practices") or {}), self.code: True}
        else:  # pragma: no cover - the kinds above are the only ones built
            raise ValueError(self.kind)

    def describe(self) -> dict:
        """The action as JSON, with a label in Bahasa Indonesia and English."""
        if self.kind == "obtain_certificate":
            label_id, label_en = f"Memperoleh {self.code}", f"Obtain {self.code}"
        elif self.kind == "complete_export_training":
            label_id, label_en = "Menyelesaikan pelatihan ekspor", "Complete an export training"
        elif self.kind == "reach_export_lot":
            label_id = (
                f"Menaikkan kapasitas produk #{self.product_index} ke {self.amount:g} {self.unit}/bulan"
            )
            label_en = f"Raise product #{self.product_index} capacity to {self.amount:g} {self.unit}/month"
        elif self.kind == "get_buyer_contract":
            label_id, label_en = (
                f"Mendapat kontrak pembeli di {self.market}",
                f"Get a buyer contract in {self.market}",
            )
        else:
            label_id, label_en = f"Menerapkan praktik {self.code}", f"Adopt the practice {self.code}"
        described = {"kind": self.kind, "label_id": label_id, "label_en": label_en}
        for key in ("code", "market", "product_index", "amount", "unit"):
            value = getattr(self, key)
            if value is not None:
                described[key] = value
        return described


def _gap_actions(base: Evaluation) -> list[Action]:
    """Obtaining the first code of each blocking, then major gap (upcoming gaps do not fail yet)."""
    return [
        Action("obtain_certificate", code=gap.entry.any_of[0])
        for severity in ("blocking", "major")
        for gap in base.gaps
        if gap.severity == severity
    ]


def _capacity_action(base: Evaluation) -> list[Action]:
    """Raising the best product's monthly capacity to its commodity's export lot, when below it."""
    ratios = [(p.capacity_ratio if p.capacity_ratio is not None else -1.0, p) for p in base.facts.products]
    if not ratios:
        return []
    best_ratio, best = max(ratios, key=lambda pair: pair[0])
    if best_ratio >= 1.0:
        return []
    return [Action("reach_export_lot", product_index=best.index, amount=best.lot_amount, unit=best.lot_unit)]


def candidate_actions(base: Evaluation, policy: Policy) -> list[Action]:
    """Actions that address something failing now, most promising first, capped by the policy limit."""
    facts = base.facts
    actions = _gap_actions(base)
    if facts.buyer_market is None and facts.target_export_markets:
        clear = [m for m in facts.target_export_markets if m not in base.blocked_markets]
        actions.append(Action("get_buyer_contract", market=(clear or list(facts.target_export_markets))[0]))
    actions += _capacity_action(base)
    for item in quality_items_applying(facts, policy):
        if not any(code in facts.held for code in item.any_of):
            actions.append(Action("obtain_certificate", code=item.any_of[0]))
    training = policy.certificate_for("export_training")
    if training and training not in facts.held:
        actions.append(Action("complete_export_training", code=training))
    actions += [Action("adopt_practice", code=name) for name, value in facts.practices.items() if not value]
    return list(dict.fromkeys(actions))[: policy.what_if_limits["max_candidates"]]


def _run(
    profile: dict, action_sets: list[tuple[Action, ...]], as_of: date, policy: Policy
) -> list[Evaluation]:
    """Re-run the same rules, as one batch, on copies of the profile with each set of actions applied."""
    changed_profiles = []
    for actions in action_sets:
        changed = dict(profile)
        for action in actions:
            action.apply(changed)
        changed_profiles.append(changed)
    return evaluate_many(read_many(changed_profiles, as_of, policy), policy)


def _goals_reached(result: Evaluation, base: Evaluation, policy: Policy) -> set[str]:
    reached = set()
    if result.route != base.route:
        reached.add(ROUTE_GOAL)
    if policy.level_rank(result.level) > policy.level_rank(base.level):
        reached.add(LEVEL_GOAL)
    return reached


def search_what_if(profile: dict, as_of: date, policy: Policy, base: Evaluation) -> list[dict]:
    """Smallest action sets (size 1, then 2, up to the limit) that change the route or raise the level."""
    limits = policy.what_if_limits
    candidates = candidate_actions(base, policy)
    if not candidates:
        return []
    goals = set()
    if base.route == "non_financial":
        goals.add(ROUTE_GOAL)  # adding actions never removes an eligible programme, so only this way
    if policy.level_rank(base.level) < len(policy.level_bands) - 1:
        goals.add(LEVEL_GOAL)
    if not goals:
        return []
    # The set of all candidates and the single actions go through the rules as one batch: one batch of
    # n + 1 profiles costs little more than one of 1, and most profiles reach a goal with one action.
    singles = list(islice(combinations(candidates, 1), max(0, limits["max_evaluations"] - 1)))
    if limits["max_actions"] < 1:
        singles = []
    everything, *single_results = _run(profile, [tuple(candidates), *singles], as_of, policy)
    goals &= _goals_reached(everything, base, policy)
    evaluations = 1
    options: list[dict] = []
    for size in range(1, limits["max_actions"] + 1):
        if not goals:
            break
        found_now: dict[str, int] = {}
        if size == 1:
            batch, results = singles, single_results
        else:
            room = max(0, limits["max_evaluations"] - evaluations)
            batch = list(islice(combinations(candidates, size), room))
            results = _run(profile, batch, as_of, policy) if batch else []
        evaluations += len(batch)
        for combination, result in zip(batch, results, strict=True):
            reached = _goals_reached(result, base, policy) & goals
            reached = {goal for goal in reached if found_now.get(goal, 0) < limits["max_results_per_goal"]}
            if not reached:
                continue
            for goal in reached:
                found_now[goal] = found_now.get(goal, 0) + 1
            options.append(
                {
                    "actions": [action.describe() for action in combination],
                    "size": size,
                    "changes": sorted(reached),
                    "score": result.score,
                    "score_change": result.score - base.score,
                    "level": result.level,
                    "route": result.route,
                    "eligible_programmes": [p.code for p in result.programmes if p.result == "eligible"],
                }
            )
        goals -= set(found_now)
    return options


def what_if(
    profile: dict, as_of: date, policy: Policy, base_result: dict | Evaluation | None = None
) -> list[dict]:
    """policy-v1 §7 options for a profile; `base_result` may be an assess() dict or an Evaluation."""
    as_of = parse_date(as_of)
    policy = policy.on(as_of)
    base = base_result if isinstance(base_result, Evaluation) else None
    if base is None:
        base = evaluate(read_facts(profile, as_of, policy), policy, with_review=False)
    return search_what_if(profile, as_of, policy, base)
