"""Markdown model cards written next to each artifact."""

from __future__ import annotations

from typing import Any


def _metric_rows(metrics: dict[str, Any]) -> str:
    """Markdown table rows of the HS evaluation metrics per file."""
    lines = [
        "| set | rows | top-1 HS6 | top-1 HS4 | top-3 HS6 | mean top-1 score | score when wrong | ECE |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in metrics.items():
        lines.append(
            f"| {name} ({m['file']}) | {m['n']} | {m['top1_hs6']:.1%} | {m['top1_hs4']:.1%} "
            f"| {m['top3_hs6']:.1%} "
            f"| {m['mean_top1_score']:.3f} | {m['mean_score_when_wrong'] or 0:.3f} | "
            f"{m['expected_calibration_error']:.3f} |"
        )
    return "\n".join(lines)


def _shares(figures: dict[str, Any] | None) -> str:
    """ "errors flagged x %, correct flagged y %" of a calibration summary."""
    if not figures:
        return "not measured"
    errors, right = figures.get("errors_flagged"), figures.get("correct_flagged")
    return (
        f"{figures['n']} rows: errors flagged {'–' if errors is None else f'{errors:.0%}'}, "
        f"correct answers flagged {'–' if right is None else f'{right:.0%}'}"
    )


def _bins(points: list[dict[str, Any]] | None) -> str:
    """Reliability bins as "score→accuracy (n)" text."""
    return "; ".join(f"{p['mean_score']:.2f}→{p['accuracy']:.2f} ({p['n']})" for p in points or []) or "–"


def hs_model_card(metadata: dict[str, Any]) -> str:
    """Model card of an HS classifier artifact."""
    params = metadata["params"]
    calibration = metadata.get("calibration", {})
    sources = "\n".join(f"  - `{k}`: {v}" for k, v in metadata["training_rows_by_source"].items())
    return f"""# Model card — {{version}}

## What it does
Ranks HS 2022 six-digit codes for a product description written in Indonesian, English or both (typos and
brand words included) and gives each candidate a calibrated score in [0, 1] and its commodity group
(`app.reference.commodity_of`: the runtime Policy's product classes, as the rules engine uses).

## How it works
- scikit-learn `Pipeline`: text normalisation with processing-state markers
  (`data/training/hs_state_words.yaml`: ground/bubuk/giling, roasted/sangrai, instant/instan, 3in1, decaf,
  whole/utuh, green/mentah) → `FeatureUnion` of hashed character (char_wb 2–5) and word (1–2) n-gram TF-IDF
  → `LinearSVC` (C = {params["svm_c"]}), the average of {params.get("bagged_fits", 1)} fits, each on a
  generation of the training names with another seed (one linear model: serving costs the same as one
  fit), weights below {params["weight_floor"]} dropped and stored sparse.
- Scores: softmax of the SVM margins divided by a temperature T = {params["temperature"]:.4f}, fitted by
  scikit-learn's `CalibratedClassifierCV(FrozenEstimator(pipeline), method="temperature")` on the served
  model's own held-out split ({calibration.get("rows", "?")} rows it never saw: names made of the vocabulary
  terms and out-of-scope names held back from its training set, `hs_dev.csv`, the "tune" rows of
  `hs_dev_realistic.csv` and the written tuning set `hs_tune_written.csv`). On the same rows a logistic
  map of the best candidate's score (its logit × {params.get("top1_slope", 1.0):.3f} +
  {params.get("top1_intercept", 0.0):.3f}) is fitted to the chance that it is right (top-label calibration:
  what the reliability diagram shows); the other candidates are scaled alike.
- {len(metadata["labels"])} labelled subheadings (coffee, instant coffee, cocoa, spices, wood carvings,
  furniture and other wooden articles, plaited articles, fabrics and made-up textiles, ceramics, jewellery
  and silversmiths' wares, and the products the nomenclature puts elsewhere: essential oils and oleoresins,
  extracts, coffee substitutes, bakery and sugar confectionery, candied spices, seasonings, drinks).
  Everything else is the class `{metadata["other_label"]}`; its probability is handed to the nearest HS 2022
  subheadings by description search (Indonesian words glossed to English), capped at
  {params["other_score_cap"]}, so out-of-scope text gets the nearest chapter with a low score.
- **Abstain threshold {params["low_confidence_score"]}**: below it the API answers `confident: false` with the
  top three candidates to pick from (the engine's own review flag still uses policy-v1's 0.5). It is the
  highest score that flags at most {calibration.get("abstain_max_correct_flagged", "?")} of the correct
  answers on the hand-written rows of the calibration split
  ({_shares(calibration.get("hand_written"))}), read off the reliability diagram below.

![reliability diagram](reliability.png)

Reliability (calibration split, hand-written rows): {_bins(calibration.get("reliability_hand_written"))}

## Training data
{metadata["training_rows"]} rows (training-data SHA-256 `{metadata["training_data_sha256"][:16]}…`), see
`data/training/DATA_CARD.md`:
{sources}

The held-out set `data/training/hs_heldout.csv` and the "report" rows of `hs_dev_realistic.csv` are never
used for training or calibration. Corrections recorded by advisors and owners in this model:
{metadata.get("corrections_rows", 0)} (`flask --app wsgi ml train-hs --with-corrections`); they are kept in
`corrections.csv` next to the model, and `flask --app wsgi ml ensure-models` retrains with them.

## Evaluation
{_metric_rows(metadata["metrics"])}

ECE = expected calibration error of the top-1 score (10 bins). Per commodity and family:
`flask --app wsgi ml evaluate-hs --file data/training/hs_dev_realistic.csv --split report`.

## Limitations
- The labelled families follow policy-v1 §3; other products get the nearest subheading at a low score.
- Subheadings that depend on facts rarely written in a product name (fabric weight in g/m², tropical vs
  other wood, porcelain vs other ceramics, filled vs plain chocolate) follow the defaults of the data card's
  labelling guide; advisors should confirm them.
- Training names are generated from templates; real listings phrase things in ways the templates miss.
- The score alone does not separate every confident error on realistic names: a product word that the
  nomenclature sends elsewhere (an oil, a biscuit, a door) can make the model and the vocabulary agree on
  the wrong heading. Second opinions tried on the hand-written calibration rows (the keyword classifier, a
  second SVM on the word or the character view fitted on other generated names, the nearest HS
  description) flagged no more errors there at the same share of correct answers flagged, so none is used
  (`bench/hs_disagreement.py`; docs/benchmarks.md, "HS classifier on realistic names").

Built with scikit-learn {metadata.get("sklearn_version", "?")}, Python {metadata.get("python_version", "?")}.
"""


def _fairness_table(fairness: dict[str, Any]) -> str:
    """Markdown table of the fairness report."""
    lines = [
        "| attribute | group | n | selection rate | gap | approval rate | AUC | AUC gap | flagged |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for attribute, entries in fairness["groups"].items():
        for e in entries:
            if not e["n"]:
                lines.append(f"| {attribute} | {e['group']} | 0 | – | – | – | – | – | no rows |")
                continue
            auc = "–" if e["auc"] is None else f"{e['auc']:.3f}"
            auc_gap = "–" if e.get("auc_gap") is None else f"{e['auc_gap']:+.3f}"
            flagged = ", ".join(e["flagged"]) or (e["note"] or "")
            lines.append(
                f"| {attribute} | {e['group']} | {e['n']} | {e['selection_rate']:.3f} | "
                f"{e['selection_rate_gap']:+.3f} | {e['approval_rate']:.3f} | {auc} | {auc_gap} | {flagged} |"
            )
    return "\n".join(lines)


def triage_model_card(metadata: dict[str, Any], fairness: dict[str, Any]) -> str:
    """Model card of a triage artifact, with the fairness table."""
    m = metadata["metrics"]
    synthetic_banner = (
        "> **SYNTHETIC.** This model learned from a generated decision history "
        "(`app/ml/synthetic_decisions.py`), not from real advisors. Its scores only show how the queue would "
        "be ordered; they say nothing about real lending decisions.\n"
        if metadata["synthetic"]
        else ""
    )
    overall = fairness["overall"]
    th = fairness["thresholds"]
    return f"""# Model card — {{version}}

{synthetic_banner}
## What it does
Gives each assessed case a priority score = P(advisor approves financing) and the top factors behind it.
It orders the advisor queue and can raise `review_required` when it disagrees strongly with the rules'
route (`disagrees_strongly`, thresholds in `data/training/ml_config.yaml`). It never changes an eligibility
result or a route.

## How it works
`StandardScaler` → `LogisticRegression` (balanced classes, C = {metadata["params"]["c"]}) over
{len(metadata["feature_names"])} features from `app.ml.triage_features.triage_features(profile, assessment)`,
the same function at training and serving time. Owner gender and region are **not** features; they are
used only for the fairness report. Top factors = weight × standardised feature value.

## Training data
Training data: **{metadata["training_data"]}** ({metadata["training_rows"]} decisions, SHA-256
`{metadata["training_data_sha256"][:16]}…`), decisions: {m["decisions"]}.

## Evaluation (held-out quarter, {m["test_rows"]} rows)
AUC {m["test_auc"]}, Brier {m["test_brier"]}, accuracy at 0.5: {m["test_accuracy"]}.

## Fairness
Selection rate = share of cases scored ≥ {fairness["decision_threshold"]};
overall {overall["selection_rate"]:.3f}, AUC {overall["auc"]}. A group is flagged when its selection-rate gap
exceeds ±{th["selection_rate_gap"]} or its AUC gap exceeds ±{th["auc_gap"]}
(groups with fewer than {th["min_group_size"]} rows are reported, not flagged). Region groups come from the
province code (`data/training/region_groups.csv`).

{_fairness_table(fairness)}

Flags: {len(fairness["flags"])}. Gaps by size class are expected here: readiness and eligibility depend on
size (policy-v1), and the simulated advisor approves more ready cases.

## Limitations
- Synthetic decisions encode our assumptions about advisors; retrain from real decisions
  (`flask --app wsgi ml train-triage --from-db`) as soon as enough exist.
- A linear model: it cannot capture interactions advisors may use.

Built with scikit-learn {metadata.get("sklearn_version", "?")}, Python {metadata.get("python_version", "?")}.
"""
