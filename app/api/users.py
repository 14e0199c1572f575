"""/api/v1/me — the caller's own account and token; /api/v1/users — who cases can be assigned to."""

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth import access
from app.auth.api import current_api_user
from app.auth.tokens import bearer_token
from app.schemas.users import AccountListSchema, AccountQuerySchema, AccountSchema
from app.services import users as user_service

blp = Blueprint("accounts", __name__, url_prefix="/api/v1", description="Accounts and API tokens")


@blp.route("/me")
class Me(MethodView):
    """The account behind the bearer token."""

    @blp.response(200, AccountSchema)
    def get(self):
        """Show the caller's account: role, region or IKM."""
        return user_service.account_as_dict(access.require_user(current_api_user()))


@blp.route("/me/token")
class MyToken(MethodView):
    """The bearer token of this request."""

    @blp.response(204)
    def delete(self):
        """Revoke the token this request was sent with (sign out an API client)."""
        access.require_user(current_api_user())
        user_service.revoke_token(
            user_service.token_record(bearer_token(request.headers.get("Authorization")))
        )


@blp.route("/users")
class Users(MethodView):
    """Staff accounts (supervisors assign cases to them)."""

    @blp.arguments(AccountQuerySchema, location="query")
    @blp.response(200, AccountListSchema)
    def get(self, query):
        """List active advisors and supervisors (supervisors and admins only)."""
        access.require_role(current_api_user(), access.SUPERVISOR_ROLES)
        roles = [query["role"]] if query.get("role") else ["advisor", "supervisor"]
        return {"users": [user for role in roles for user in user_service.list_users(role)]}
