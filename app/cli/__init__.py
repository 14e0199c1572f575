"""Flask CLI commands (kebab-case); each module contributes its commands here."""

from __future__ import annotations

import importlib

from flask import Flask

# Modules under app/cli/ and the click command or group objects each one exports.
COMMAND_MODULES = {
    "data": ("load_reference_command", "seed_demo_command", "seed_demo_cases_command", "setup_command"),
    "users": ("users_group",),
    "imports": ("import_ikm_command",),
    "batch": ("assess_batch_command",),
    "ml": ("ml_group",),
    "reports": ("report_group",),
    "prepare": ("prepare_command",),
    "jobs": ("jobs_group", "simulate_command"),
}


def register_cli(app: Flask) -> None:
    """Add every command of COMMAND_MODULES to `flask --app wsgi …`."""
    for module_name, attributes in COMMAND_MODULES.items():
        module = importlib.import_module(f"app.cli.{module_name}")
        for attribute in attributes:
            app.cli.add_command(getattr(module, attribute))
