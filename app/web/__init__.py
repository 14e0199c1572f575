"""Server-rendered pages, in the reader's language (see app/i18n.py and app/web/labels.py)."""

from flask import Blueprint, Flask, redirect, render_template, url_for

bp = Blueprint("web", __name__, template_folder="templates")


@bp.get("/")
def home():
    """The landing page."""
    return render_template("home.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page: send them to the site's icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def register_web(app: Flask) -> None:
    """Register the page blueprints and make `labels` (codes as words) available to every template."""
    from app.web import accounts, cases, imports, labels, owners, reports, selfcheck, simulations, workspace

    app.register_blueprint(bp)
    for module in (accounts, cases, imports, owners, selfcheck, reports, workspace, simulations):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["labels"] = labels
