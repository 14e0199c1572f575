"""The self-check result as a PDF (fpdf2): the same words as the page, laid out for paper."""

from __future__ import annotations

from flask_babel import gettext as _
from fpdf import FPDF

from app.web import labels

# fpdf2's core fonts speak Latin-1; the few signs outside it are said in plain ASCII.
REPLACEMENTS = {"→": "->", "✓": "+", "✗": "x", "≥": ">=", "≤": "<=", "—": "-", "–": "-", "•": "-", "…": "..."}
REPLACEMENTS.update({"“": '"', "”": '"', "‘": "'", "’": "'"})


def _text(value) -> str:
    """Text the PDF core font can draw."""
    text = str(value)
    for sign, plain in REPLACEMENTS.items():
        text = text.replace(sign, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    """A4 pages with the service's name and a page number in the footer."""

    def footer(self) -> None:
        """Service name and page number."""
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 8, _text(f"OVOP · LPEI — {_('Page')} {self.page_no()}"), align="C")


def result_pdf(view: dict) -> bytes:
    """The result (summary, next steps, gaps, what-if, programmes) as PDF bytes."""
    assessment = view["assessment"]
    pdf = _Document(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text, size=10, style="", space=1):
        pdf.set_font("helvetica", style=style, size=size)
        pdf.multi_cell(width, size * 0.5, _text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(space)

    line(_("Export readiness result"), 16, "B", 2)
    line(_("As of %(date)s", date=labels.date_words(assessment["as_of"])), 9)
    readiness = assessment["readiness"]
    line(f"{readiness['score']}/100 — {labels.word(labels.LEVELS, readiness['level'])}", 14, "B")
    line(f"{_('Route')}: {labels.word(labels.ROUTES, assessment['route'])}", 11, space=3)
    if view["next_steps"]:
        line(_("Your next steps"), 12, "B")
        for number, step in enumerate(view["next_steps"], start=1):
            line(f"{number}. {step}")
        pdf.ln(2)
    line(_("What is still missing"), 12, "B")
    sections = [(_("In every market"), view["business_gaps"])] if view["business_gaps"] else []
    sections += [(labels.country_name(market), gaps) for market, gaps in view["market_gaps"]]
    for title, gaps in sections:
        line(title, 11, "B")
        for gap in gaps:
            deadline = _("Optional") if gap.severity == "opportunity" else gap.deadline
            line(f"• {gap.name} — {labels.word(labels.SEVERITIES, gap.severity)}; {deadline}", 10, space=0)
            if gap.expired_on:
                line(
                    "  " + _("Expired on %(date)s — renew it.", date=labels.date_words(gap.expired_on)),
                    9,
                    "I",
                    0,
                )
            if gap.about:
                line(f"  {gap.about}", 9, space=0)
        pdf.ln(2)
    if view["what_if"]:
        line(_("What would change the outcome"), 12, "B")
        for option in view["what_if"]:
            line(f"• {' + '.join(option['words'])} -> {option['score']} ({option['score_change']:+d})")
        pdf.ln(2)
    line(_("LPEI programmes"), 12, "B")
    for programme in view["programmes"]:
        line(
            f"{programme['title']}: {labels.word(labels.PROGRAMME_RESULTS, programme['result'])}", 10, "B", 0
        )
        for criterion in programme["criteria"]:
            mark = "+" if criterion["outcome"] == "pass" else "x"
            line(f"  {mark} {criterion['sentence']}", 9, space=0)
        pdf.ln(1)
    line(
        _(
            "This result applies policy %(version)s and is not a financing decision.",
            version=assessment["policy_version"],
        ),
        8,
    )
    return bytes(pdf.output())
