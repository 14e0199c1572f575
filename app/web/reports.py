"""Report pages: the dashboard (figures, charts with their tables, the map, targets) and its downloads."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from app import reference
from app.errors import DomainError
from app.reports import CSV_TYPE, XLSX_TYPE
from app.reports.mapping import bubble_map
from app.reports.summary import COMMODITIES, SummaryFilters
from app.reports.tables import summary_tables
from app.reports.words import TARGET_WORDS, word
from app.schemas.reports import SummaryQuerySchema, TargetSchema
from app.services import reports, targets

bp = Blueprint("report_pages", __name__, url_prefix="/reports", template_folder="templates")
CHARTED = ("level", "route", "commodity", "ovop_stars", "programmes", "gaps", "cases", "financing")


def _filters() -> tuple[SummaryFilters, dict]:
    """Filters from the query string (blank fields ignored), narrowed to the user's area; and the errors."""
    given = {
        key: value for key, value in request.args.items() if value and key in SummaryQuerySchema().fields
    }
    try:
        loaded = SummaryQuerySchema().load(given)
        errors = {}
    except ValidationError as error:
        loaded = {key: value for key, value in given.items() if key not in error.messages}
        loaded = SummaryQuerySchema().load(
            {k: v for k, v in loaded.items() if k != "quarter" or "year" in loaded}
        )
        errors = {key: " ".join(map(str, value)) for key, value in error.messages.items()}
    return reports.scoped_filters(current_user._get_current_object(), SummaryFilters(**loaded)), errors


def _chart(table) -> str | None:
    """The SVG chart of a table (the last column is the value), or None for tables charted otherwise."""
    from app.reports.charts import bar_chart  # matplotlib: imported on use, not at start-up

    if table.name not in CHARTED or not any(isinstance(row[-1], int) and row[-1] > 0 for row in table.rows):
        return None  # nothing to draw: the table alone says it
    if table.name == "financing":
        labels = [f"{row[0]} · {row[1]}" for row in table.rows]
        return bar_chart(labels, [row[4] if isinstance(row[4], int) else 0 for row in table.rows])
    if table.name == "gaps":
        labels = [f"{row[0]} ({row[1]}{', ' + row[2] if row[2] else ''})" for row in table.rows]
        return bar_chart(labels, [row[-1] for row in table.rows])
    return bar_chart([str(row[0]) for row in table.rows], [row[-1] for row in table.rows])


def _map(report: dict, filters: SummaryFilters) -> str:
    """The bubble map of the report's areas."""
    places_by_code = {place["code"]: place for place in reports.centroids(filters.area_level)}
    places = [
        {**places_by_code[row["key"]], "count": row["count"]}
        for row in report["breakdowns"]["area"]
        if row["key"] in places_by_code
    ]
    points = [(place["lat"], place["lng"]) for place in reports.centroids("regency")]
    return bubble_map(places, points, _("IKM assessed per area"))


@bp.get("")
@login_required
def dashboard():
    """The national or regional report for the chosen year, quarter, area and commodity."""
    from app.reports.charts import line_chart  # matplotlib: imported on use, not at start-up

    filters, errors = _filters()
    report = reports.summary(filters)
    tables = summary_tables(report)
    trend = report["breakdowns"]["trend"]
    trend_chart = line_chart(
        [row["month"] for row in trend],
        {
            _("IKM assessed"): [row["assessed"] for row in trend],
            _("IKM proposed"): [row["proposed"] for row in trend],
        },
    )
    year = filters.year or int(report["generated_at"][:4])
    return render_template(
        "reports/dashboard.html",
        report=report,
        filters=filters,
        errors=errors,
        tables=tables,
        charts={table.name: _chart(table) for table in tables},
        trend_chart=trend_chart,
        map_svg=_map(report, filters),
        provinces=reference.regions_by_province(),
        commodities=[(code, word("commodity", code)) for code in COMMODITIES],
        targets=targets.targets_with_progress(year),
        target_form_metrics=TargetSchema().fields["metric"].validate.choices,
        metric_words=TARGET_WORDS,
        query=request.query_string.decode(),
    ), 422 if errors else 200


@bp.get("/export.<kind>")
@login_required
def export(kind: str):
    """The report as XLSX or CSV (suppression applied), audited."""
    if kind not in ("xlsx", "csv"):
        return redirect(url_for("report_pages.dashboard"))
    filters, _errors = _filters()
    breakdown = request.args.get("breakdown") if kind == "csv" else None
    _report, content = reports.export_summary(current_user._get_current_object(), filters, kind, breakdown)
    mimetype = XLSX_TYPE if kind == "xlsx" else CSV_TYPE
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="ovop-report.{kind}"'},
    )


@bp.post("/targets")
@login_required
def set_target():
    """An admin sets one yearly target from the dashboard."""
    try:
        data = TargetSchema().load(
            {key: request.form.get(key, "").replace(".", "") for key in ("year", "metric", "value")}
        )
        targets.set_target(current_user._get_current_object(), data["year"], data["metric"], data["value"])
        flash(_("Target saved."), "info")
    except ValidationError as error:
        flash(
            _(
                "Target not saved: %(problems)s",
                problems="; ".join(f"{k}: {v[0]}" for k, v in error.messages.items()),
            ),
            "error",
        )
    except DomainError as error:
        if error.status in (401, 403):
            raise
        flash(error.message, "error")
    return redirect(url_for("report_pages.dashboard", year=request.form.get("year")))
