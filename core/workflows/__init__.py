"""Workflows: what a tenant admin automates without code (trigger, conditions, actions)."""
