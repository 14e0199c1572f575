"""Simulation of policy changes (a "reform") over the current IKM population; nothing is stored."""
