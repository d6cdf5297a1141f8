"""Every row lock the ledger takes, named once.

Each helper's docstring names the `core.locks.LOCK_ORDER` rank it takes (`Rank: <name>`).
Ledger accounts are the last rank: a posting locks them after the payable, payment and refund
rows its caller holds. Services call only these helpers for `select_for_update`.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Account


def accounts_lock(*, account_ids: Iterable[int]) -> None:
    """Lock the accounts with these ids FOR UPDATE, in primary-key order (so two postings cannot
    deadlock on each other's accounts). Rank: `ledger`."""
    ids = sorted(set(account_ids))
    if ids:
        list(Account.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def account_lock_by_code(*, code: str) -> Account | None:
    """The account with this code, locked FOR UPDATE; None when nothing was ever posted to it. Rank: `ledger`."""
    return Account.objects.select_for_update().filter(code=code).first()
