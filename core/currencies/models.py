"""The currencies a workspace has enabled and its exchange rates, both tenant-owned.

The corporate currency (``settings["currency"]``) is the one reports are in; it is always
enabled and has no rates. An exchange rate says what one unit of ``currency`` is worth in
the corporate currency from ``valid_from`` on, until the next rate of that currency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import UTCDateTime, db, utcnow
from tenants.scoping import TenantScoped

# One unit of a currency in the corporate one: up to 10 decimals (0.0000912345 for IDR
# in EUR) and 10 digits before the point (a unit of a strong currency in a weak one).
RATE_DIGITS, RATE_DECIMALS = 20, 10


class TenantCurrency(TenantScoped, db.Model):
    __tablename__ = "tenant_currencies"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExchangeRate(TenantScoped, db.Model):
    __tablename__ = "exchange_rates"
    __table_args__ = (
        UniqueConstraint("tenant_id", "currency", "valid_from"),
        CheckConstraint("rate > 0", name="rate_positive"),
    )

    currency: Mapped[str] = mapped_column(String(3))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    rate: Mapped[Decimal] = mapped_column(Numeric(RATE_DIGITS, RATE_DECIMALS))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
