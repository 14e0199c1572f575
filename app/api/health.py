"""GET /healthz — is the service up and can it reach its database?"""

from flask import Blueprint, jsonify
from sqlalchemy import text

from app.extensions import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 with the reason otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not healthy"
        db.session.rollback()
        reason = f"database unavailable: {type(error).__name__}"
        return jsonify({"status": "unavailable", "database": "error", "reason": reason}), 503
    return jsonify({"status": "ok", "database": "ok"}), 200
