"""Accounts: users, roles, passwords, sessions, one-time links, API tokens and SSO."""
