"""Convert amounts to CNY with the configured exchange rates."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from contracts.core.models import ExchangeRate
from contracts.errors import ValidationError

DEFAULT_RATES = {
    "CNY": Decimal("1"),
    "USD": Decimal("7.10"),
    "EUR": Decimal("7.70"),
    "GBP": Decimal("9.00"),
    "JPY": Decimal("0.047"),
    "HKD": Decimal("0.91"),
}


def to_cny(session: Session, amount: Decimal, currency: str) -> Decimal:
    """Return the amount in CNY, rounded to fen."""
    rate = session.get(ExchangeRate, currency)
    if rate is None:
        raise ValidationError({"currency": [f"no exchange rate for '{currency}'"]})
    return (amount * rate.rate_to_cny).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
