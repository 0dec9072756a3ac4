"""Quotes and orders with their lines, totals, status lifecycle and the credit check."""
