"""Currencies: the ones a workspace works in, and its dated exchange rates to the
corporate (reporting) currency. See docs/money.md and decision 0022."""
