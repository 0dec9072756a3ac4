"""Capacity allocation: a limited number of places (a class's seats, a tour departure's
berths, a technician's slots) taken by holds and confirmed allocations, never more than
the capacity, whatever the concurrency. The verticals share it through the public plugin
API (``saas.plugins.api``); see docs/plugins.md, "Capacity"."""
