"""The one order in which a transaction may take row locks, across every app.

Two transactions that lock the same rows in the same order cannot deadlock. Each app
names its own locks in its `locks.py`; every such helper declares which rank it takes
here, and `assert_lock_order` (used by the tests) checks that a path only ever moves
down this list.
"""

from __future__ import annotations

# Earlier entries are locked first. A transaction that holds a lock of one rank may take
# a lock of a later rank, never of an earlier one.
LOCK_ORDER: tuple[str, ...] = (
    "webhook",  # payments: a stored Razorpay event, held while a worker applies it (so it applies once)
    "user",  # a student's or vendor's row (no_key): serialises their own limits and slots
    "shop",  # catalog: a vendor's shop, menu items, option groups, print services (their edits)
    "payable",  # an order or a print job
    "payment",
    "refund",
    "slot",  # ordering: a pickup slot's places (taken by placing, given back by a cancel or a refund)
    "stock",  # catalog: menu items' stock (no_key, in id order), taken and given back with the slot place
    "ledger",  # ledger accounts debited, in primary-key order
)

RANK: dict[str, int] = {name: index for index, name in enumerate(LOCK_ORDER)}


def rank(name: str) -> int:
    """The position of a lock kind in LOCK_ORDER; KeyError for a kind nobody declared."""
    return RANK[name]


def assert_lock_order(taken: list[str]) -> None:
    """AssertionError when the kinds in `taken` (in the order a path took them) go back up."""
    ranks = [rank(name) for name in taken]
    for before, after, name in zip(ranks, ranks[1:], taken[1:], strict=False):
        if after < before:
            raise AssertionError(f"lock {name!r} taken after a later-ranked lock: {taken}")
