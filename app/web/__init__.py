"""Server-rendered pages (Bahasa Indonesia first, English second)."""

from flask import Blueprint, Flask, render_template

bp = Blueprint("web", __name__, template_folder="templates")


@bp.get("/")
def home():
    """The landing page."""
    return render_template("home.html")


def register_web(app: Flask) -> None:
    """Register the page blueprints."""
    from app.web import accounts, cases, imports, reports, selfcheck, workspace

    app.register_blueprint(bp)
    for module in (accounts, cases, imports, selfcheck, reports, workspace):
        app.register_blueprint(module.bp)
