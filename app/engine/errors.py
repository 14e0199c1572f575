"""Errors the engine raises."""

from __future__ import annotations


class PolicyError(Exception):
    """A policy file is missing or broken; the message names the file, the entry and the problem."""
