"""GET /healthz — is the service up, can it reach its database, are its models loaded?"""

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.extensions import db
from app.services.models import current_models

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 with the reason otherwise; say which models are loaded.

    Models load at first use unless gunicorn preloaded them, so "not loaded yet" is healthy.
    """
    models = current_models().status()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not healthy"
        db.session.rollback()
        reason = f"database unavailable: {type(error).__name__}"
        body = {"status": "unavailable", "database": "error", "reason": reason, "models": models}
        return jsonify(body), 503
    return jsonify({"status": "ok", "database": "ok", "models": models}), 200
