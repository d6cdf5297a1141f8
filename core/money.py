"""Money: integer paise, checked in one place and written as rupees in one place.

Amounts are `int` paise everywhere (never floats, never `Decimal`). `is_paise` is the
one check that a value is such an amount; each caller raises its own refusal (its
field name and message are part of what its clients see). `rupees` is the one way an
amount is written for people, with Indian digit grouping: `12345600` → `₹1,23,456.00`.
`pro_rata` is the one split of an amount in proportion (refunds, fees).
"""

from __future__ import annotations

PAISE_PER_RUPEE = 100
RUPEE = "₹"


def is_paise(value: object, *, minimum: int | None = 1, maximum: int | None = None) -> bool:
    """Whether `value` is a whole number of paise from `minimum` to `maximum` (None: no bound).

    Only `int` counts: `True`, `1.0`, `Decimal("1")` and `"1"` are not amounts. The default
    `minimum=1` refuses zero and negative amounts; signed ledger entries pass `minimum=None`.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    if minimum is not None and value < minimum:
        return False
    return maximum is None or value <= maximum


def _indian_grouping(number: int) -> str:
    """`12345678` → `1,23,45,678`: the last three digits, then groups of two."""
    digits = str(number)
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([*groups, tail])


def rupees(paise: int, *, symbol: str = RUPEE, short: bool = False) -> str:
    """`12345678` → `₹1,23,456.78`, `-45` → `-₹0.45`, `0` → `₹0.00`.

    `short` leaves out the paise of a whole-rupee amount (`12000` → `₹120`), as the
    student pages and the text messages show amounts (one style everywhere students look;
    a "₹" makes a text UCS-2, 70 characters a part instead of 160, which the campus accepts).
    `symbol` is what stands before the number.
    """
    sign = "-" if paise < 0 else ""
    whole, part = divmod(abs(int(paise)), PAISE_PER_RUPEE)
    text = f"{sign}{symbol}{_indian_grouping(whole)}"
    if short and not part:
        return text
    return f"{text}.{part:02d}"


def pro_rata(amount: int, *, part: int, whole: int) -> int:
    """`amount × part / whole`, rounded down: the share of `amount` that `part` of `whole` stands for.

    Splitting by cumulative parts (share of everything so far, less share of what came
    before) makes the pieces add up to `amount` exactly once `part` reaches `whole`.
    """
    if whole <= 0:
        raise ValueError("pro_rata needs a positive whole")
    return amount * part // whole
