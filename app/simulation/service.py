"""Simulations: a base policy version against changes, another version or another date, over the current
population with the engine's vectorised path; a job computes them and nothing is written to assessments.

LPEI staff see the counts and example IKM; the ministry (and anyone else) sees only the aggregates, with
small cells suppressed by app/reports/suppression.py.
"""

from __future__ import annotations

import time
from datetime import date

import yaml

from app.errors import InvalidInput
from app.policies.changes import ChangeError

EXAMPLE_ROLES = frozenset({"advisor", "supervisor", "admin"})
# May ask for a simulation: the policy owners and LPEI staff, and the ministry (it reads suppressed results).
SIMULATION_ROLES = frozenset({"advisor", "supervisor", "admin", "ministry"})


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, errors={"json": {field: [message]}})


def changes_from_yaml(text: str) -> list[dict]:
    """The changes of a YAML document: a list, or a mapping with a `changes` list."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _invalid("changes_yaml", f"Not valid YAML: {error}".replace("\n", " ")) from None
    if isinstance(document, dict):
        document = document.get("changes")
    if not isinstance(document, list):
        raise _invalid("changes_yaml", "The YAML must be a list of changes or have a `changes` list.")
    return _plain(document)


def _plain(value):
    """YAML's dates as ISO text, so the changes are stored as JSON with the job (the loader reads both)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


def _policies(params: dict):
    """The base policy and the policy it is compared with."""
    from app.policies.versions import current_policy, load_version, with_changes

    base = params.get("base") or current_policy().label
    base_policy = load_version(base)
    if params.get("changes"):
        try:
            return base_policy, with_changes(base, params["changes"])
        except ChangeError as error:
            raise _invalid("changes", str(error)) from None
    if params.get("compare_version"):
        return base_policy, load_version(params["compare_version"])
    return base_policy, base_policy


def prepare(params: dict) -> dict:
    """Check a simulation request before it becomes a job (422 naming the field) and fill the defaults."""
    params = dict(params)
    if params.get("changes_yaml"):
        params["changes"] = changes_from_yaml(params.pop("changes_yaml"))
    params.pop("changes_yaml", None)
    if params.get("changes") and params.get("compare_version"):
        raise _invalid("compare_version", "Give changes or another version, not both.")
    params["as_of"] = (params.get("as_of") or date.today()).isoformat()
    if params.get("compare_as_of"):
        params["compare_as_of"] = params["compare_as_of"].isoformat()
    if not (params.get("changes") or params.get("compare_version") or params.get("compare_as_of")):
        raise _invalid(
            "changes", "Give changes, another version (compare_version) or a second date (compare_as_of)."
        )
    _policies(params)  # the versions exist and the changes fit: 422 now rather than a failed job
    return params


def simulate(params: dict, progress=None) -> dict:
    """Run a prepared simulation over the current population and return its result (nothing stored)."""
    from app.simulation.frame import load_frame
    from app.simulation.population import paused_collector

    def step(percent: float, note: str) -> None:
        if progress is not None:
            progress(percent, note)

    with paused_collector():
        return _simulate(params, step, load_frame)


def _simulate(params: dict, step, load_frame) -> dict:
    """The simulation's three phases, timed: load (`load_frame`: the population as the engine's frame),
    evaluate both, aggregate."""
    from app.engine import assess_frame

    timings = {}
    started = time.perf_counter()
    base_policy, other_policy = _policies(params)
    as_of = date.fromisoformat(params["as_of"])
    other_as_of = date.fromisoformat(params.get("compare_as_of") or params["as_of"])
    step(2, "loading")
    population = load_frame(
        params.get("province"), params.get("commodity"), lambda share: step(2 + 38 * share, "loading")
    )
    frame = population.frame
    timings["load"] = time.perf_counter() - started
    started = time.perf_counter()
    step(45, "evaluating")
    shared: dict = {}  # the flattened products, certificates and markets: read once for both
    before = assess_frame(frame, as_of, base_policy, shared=shared, blocking_requirements=True)
    step(65, "evaluating")
    after = assess_frame(frame, other_as_of, other_policy, shared=shared, blocking_requirements=True)
    timings["evaluate"] = time.perf_counter() - started
    started = time.perf_counter()
    step(85, "aggregating")
    result = summarise(params, population, before, after, base_policy, other_policy, as_of, other_as_of)
    timings["aggregate"] = time.perf_counter() - started
    result["timings"] = {name: round(value, 3) for name, value in timings.items()}
    return result


def summarise(params, population, before, after, base_policy, other_policy, as_of, other_as_of) -> dict:
    """The result document: what was compared, the counts, and example IKM with their exact gaps."""
    import pandas as pd

    from app.simulation.compare import compare_frames

    size_class = params.get("size_class")
    meta = pd.DataFrame({"province": population.provinces, "commodity": population.commodities})
    if size_class:
        keep = (before["size_class"] == size_class).to_numpy()
        before, after = before[keep].reset_index(drop=True), after[keep].reset_index(drop=True)
        meta = meta[keep].reset_index(drop=True)
        positions = [index for index, kept in enumerate(keep) if kept]
    else:
        positions = list(range(len(population)))
    programmes = [programme.code for programme in base_policy.programmes]
    levels = [name for name, _ in base_policy.level_bands]
    compared = compare_frames(meta, before, after, programmes, levels)
    for key in ("requirements", "requirement_breakdown"):
        compared[key] = _named(compared[key], base_policy, other_policy)
    limit = int(params.get("examples") or 10)
    examples = [
        _example(
            population,
            positions[row],
            before.iloc[row],
            after.iloc[row],
            base_policy,
            other_policy,
            as_of,
            other_as_of,
        )
        for row in compared.pop("changed_rows")[:limit]
    ]
    return {
        "base": {
            "version": base_policy.label,
            "content_hash": base_policy.content_hash,
            "as_of": as_of.isoformat(),
        },
        "compare": {
            "version": other_policy.label,
            "content_hash": other_policy.content_hash,
            "as_of": other_as_of.isoformat(),
        },
        "changes": params.get("changes") or [],
        "filters": {key: params.get(key) for key in ("province", "commodity", "size_class")},
        **compared,
        "examples": examples,
    }


def _named(rows: list[dict], *policies) -> list[dict]:
    """Requirement rows with the requirement's plain name in Indonesian and English beside its code."""
    named = []
    for row in rows:
        names = next(
            (
                p.certification_names[row["requirement"]]
                for p in policies
                if row["requirement"] in p.certification_names
            ),
            {},
        )
        named.append(
            {
                **row,
                "name_id": names.get("name_id", row["requirement"]),
                "name_en": names.get("name_en", row["requirement"]),
            }
        )
    return named


def _blocking(result: dict) -> set[tuple[str, str]]:
    return {(gap["requirement"], gap["market"]) for gap in result["gaps"] if gap["severity"] == "blocking"}


def _gaps(pairs: set[tuple[str, str]]) -> list[dict]:
    return [{"requirement": requirement, "market": market} for requirement, market in sorted(pairs)]


def _example(population, index, before, after, base_policy, other_policy, as_of, other_as_of) -> dict:
    """One changed IKM with its route, level and eligible programmes before and after, and the blocking gaps
    that appear or disappear (from the single-profile engine, which lists every gap)."""
    from app.engine import assess

    profile = population.profiles[index]
    was = assess(profile, as_of, base_policy, with_what_if=False)
    now = assess(profile, other_as_of, other_policy, with_what_if=False)

    def side(row) -> dict:
        return {
            "route": row["route"],
            "level": row["level"],
            "score": int(row["score"]),
            "eligible_programmes": [code for code in (row["eligible_programmes"] or "").split(";") if code],
            "blocking_markets": [market for market in (row["blocking_markets"] or "").split(";") if market],
        }

    return {
        "ikm_id": population.ids[index],
        "name": population.names[index],
        "province": population.provinces[index],
        "commodity": population.commodities[index],
        "size_class": before["size_class"],
        "before": side(before),
        "after": side(after),
        "blocking_gaps_appearing": _gaps(_blocking(now) - _blocking(was)),
        "blocking_gaps_disappearing": _gaps(_blocking(was) - _blocking(now)),
    }


def run_simulation_job(params: dict, progress) -> dict:
    """The job: run the simulation (the result is the job's; nothing else is written)."""
    return simulate(params, progress)


def result_for(result: dict, user) -> dict:
    """The result as this caller may see it: everything for LPEI staff; for others no example IKM and every
    count of the breakdown, programmes and markets suppressed below 5 (app/reports/suppression.py)."""
    if user is not None and user.role in EXAMPLE_ROLES:
        return {**result, "suppressed": False}
    from app.reports.suppression import suppress_cells, suppress_rows, suppress_total
    from app.simulation.compare import COUNT_FIELDS, REQUIREMENT_FIELDS

    return {
        **result,
        "examples": [],
        "suppressed": True,
        "totals": {name: suppress_total(value) for name, value in result["totals"].items()},
        "breakdown": suppress_rows(result["breakdown"], COUNT_FIELDS),
        "programmes": suppress_cells(
            result["programmes"], ("changed", "became_eligible", "lost_eligibility")
        ),
        "markets": suppress_cells(result["markets"], ("newly_blocked", "unblocked")),
        "requirements": suppress_cells(result.get("requirements", []), REQUIREMENT_FIELDS),
        "requirement_breakdown": suppress_cells(result.get("requirement_breakdown", []), REQUIREMENT_FIELDS),
    }


def start(params: dict, user):
    """Check a simulation request (422 naming the field) and start its job."""
    from app import jobs

    return jobs.submit("simulation", prepare(params), requested_by_id=getattr(user, "id", None))
