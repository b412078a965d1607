"""Amounts and ISO 4217 currencies, without a currency library: the list is short and stable."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rapport.lib.errors import ActionError

# Active ISO 4217 codes (2024).
_CODES = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD "
    "FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY "
    "KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP "
    "MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR "
    "RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT "
    "TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW "
    "ZWL "
)
CURRENCIES = frozenset(_CODES.split())
# Currencies without minor units: an amount in cents would be a mistake.
ZERO_DECIMAL = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF"})
ZERO_DECIMAL |= {"UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
MAX_AMOUNT = Decimal("9999999999.99")


def clean_currency(value: str) -> str:
    code = value.strip().upper()
    if code not in CURRENCIES:
        raise ActionError(
            f"{value!r} is not an ISO 4217 currency code (e.g. EUR, CAD).", field="currency"
        )
    return code


def clean_amount(value: Decimal | str | int, currency: str) -> Decimal:
    """A non-negative amount with at most the currency's decimals (none for JPY)."""
    try:
        amount = Decimal(str(value).strip() or "0")
    except InvalidOperation as exc:
        raise ActionError(f"{value!r} is not an amount.", field="amount") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ActionError("The amount must be between 0 and 9,999,999,999.99.", field="amount")
    places = 0 if currency in ZERO_DECIMAL else 2
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        unit = "whole units" if places == 0 else "at most two decimals"
        raise ActionError(f"{currency} amounts are in {unit}.", field="amount")
    return amount.quantize(Decimal("0.01"))
