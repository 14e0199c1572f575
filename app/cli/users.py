"""`flask --app wsgi users …`: accounts, API tokens and the demo logins."""

from __future__ import annotations

import functools
import os

import click
from flask import current_app
from flask.cli import with_appcontext

from app.errors import DomainError
from app.models.user import ROLES

CLI_ACTOR = "cli"


def domain_errors_as_click(command):
    """Show a refused operation as a one-line error and exit status 1, not a stack trace."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            details = "; ".join(
                f"{field}: {' '.join(map(str, msgs))}" for field, msgs in error.errors.items()
            )
            raise click.ClickException(f"{error.message} {details}".strip()) from error

    return wrapper


@click.group("users")
def users_group() -> None:
    """Accounts and API tokens (README "Accounts and roles")."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLES), help="The account's role.")
@click.option("--region", default=None, help="District: kabupaten/kota PP.KK; province: PP.")
@click.option("--ikm", "ikm_id", type=int, default=None, help="Owner: id of the IKM they own.")
@click.option("--with-password", is_flag=True, help="Also ask for a password (for signing in to the pages).")
@with_appcontext
@domain_errors_as_click
def create_user_command(email: str, role: str, region: str | None, ikm_id: int | None, with_password: bool):
    """Create an account and print its API token alone on the last line."""
    from app.services import users

    password = None
    if with_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = users.create_user(email, role, region, ikm_id, password, actor=CLI_ACTOR)
    token = users.issue_token(user, "cli", actor=CLI_ACTOR)
    scope = user.region_code or (f"IKM {user.ikm_id}" if user.ikm_id else "-")
    click.echo(f"created {user.role} account {user.email} (id {user.id}, scope {scope})")
    click.echo("API token (shown once; use as 'Authorization: Bearer <token>'):")
    click.echo(token)


@users_group.command("token")
@click.argument("email")
@click.option("--label", default="cli", show_default=True, help="A note on what the token is for.")
@with_appcontext
@domain_errors_as_click
def issue_token_command(email: str, label: str) -> None:
    """Issue another API token for an account and print it alone on the last line."""
    from app.services import users

    user = users.get_user_by_email(email)
    click.echo(f"new API token for {user.email}:")
    click.echo(users.issue_token(user, label, actor=CLI_ACTOR))


@users_group.command("revoke-tokens")
@click.argument("email")
@with_appcontext
@domain_errors_as_click
def revoke_tokens_command(email: str) -> None:
    """Revoke every API token of an account."""
    from app.services import users

    count = users.revoke_tokens(users.get_user_by_email(email), actor=CLI_ACTOR)
    click.echo(f"revoked {count} token(s) of {email}")


@users_group.command("set-password")
@click.argument("email")
@click.password_option()
@with_appcontext
@domain_errors_as_click
def set_password_command(email: str, password: str) -> None:
    """Set an account's password (asks twice) and lift any lock-out."""
    from app.services import users

    users.set_password(users.get_user_by_email(email), password, actor=CLI_ACTOR)
    click.echo(f"password set for {email}")


@users_group.command("unlock")
@click.argument("email")
@with_appcontext
@domain_errors_as_click
def unlock_command(email: str) -> None:
    """Lift a lock-out after too many failed sign-ins."""
    from app.services import users

    users.unlock(users.get_user_by_email(email), actor=CLI_ACTOR)
    click.echo(f"unlocked {email}")


@users_group.command("deactivate")
@click.argument("email")
@with_appcontext
@domain_errors_as_click
def deactivate_command(email: str) -> None:
    """Deactivate an account: it can no longer sign in and its tokens stop working."""
    from app.services import users

    users.set_active(users.get_user_by_email(email), False, actor=CLI_ACTOR)
    click.echo(f"deactivated {email}")


@users_group.command("list")
@click.option("--role", type=click.Choice(ROLES), default=None)
@with_appcontext
def list_users_command(role: str | None) -> None:
    """List active accounts: e-mail, role, region or IKM."""
    from app.services import users

    for user in users.list_users(role):
        click.echo(f"{user.id}\t{user.role}\t{user.email}\t{user.region_code or ''}\t{user.ikm_id or ''}")


@users_group.command("demo")
@with_appcontext
@domain_errors_as_click
def demo_users_command() -> None:
    """Create one demo account per role (idempotent) and print their logins; refused in production."""
    from app.services import users

    if os.environ.get("APP_ENV") == "production" or current_app.config.get("APP_ENV") == "production":
        raise click.ClickException("demo accounts are not created in production (APP_ENV=production)")
    logins = users.ensure_demo_users(
        current_app.config["WORKFLOW_DATA_DIR"], current_app.config["SECRET_KEY"]
    )
    click.echo("Demo logins (generated demo data; sign in at /login):")
    for login in logins:
        scope = login.region_code or (f"IKM {login.ikm_id}" if login.ikm_id else "-")
        click.echo(f"  {login.role:<10} {login.email:<32} password {login.password}  scope {scope}")
        click.echo(f"  {'':<10} token {login.token}")
