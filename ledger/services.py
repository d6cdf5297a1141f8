"""The only writers of the ledger.

Every posting goes through `ledger_post`: validated in Python (so SQLite is safe
too), unique by `(kind, reference)` at the database, atomic, and savepoint-safe so
callers may post from inside their own `transaction.atomic` (payments does).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Forbidden
from core.money import is_paise

from . import chart
from .errors import (
    AlreadyReversed,
    LedgerInvalid,
    LedgerUnbalanced,
    NotReversible,
    PayoutExceedsBalance,
    ReferenceConflict,
)
from .locks import account_lock_by_code, accounts_lock
from .models import Account, Entry, Transaction

logger = logging.getLogger(__name__)

MAX_REFERENCE = Transaction._meta.get_field("reference").max_length
MAX_MEMO = Transaction._meta.get_field("memo").max_length
# Far below BIGINT, far above any campus sale: a guard against unit mistakes (rupees * 100 twice).
MAX_AMOUNT_PAISE = 10**12


def _validated(*, kind: str, reference: str, entries: Sequence[tuple[str, int]], memo: str) -> list[tuple[str, int]]:
    """The entries as a clean list, or `LedgerInvalid` / `LedgerUnbalanced` naming what is wrong."""
    errors: dict[str, list[str]] = {}
    if kind not in Transaction.Kind.values:
        errors["kind"] = [f"must be one of {', '.join(Transaction.Kind.values)}"]
    if not isinstance(reference, str) or not reference.strip():
        errors["reference"] = ["must be a non-empty string"]
    elif len(reference) > MAX_REFERENCE:
        errors["reference"] = [f"must be at most {MAX_REFERENCE} characters"]
    if not isinstance(memo, str) or len(memo) > MAX_MEMO:
        errors["memo"] = [f"must be a string of at most {MAX_MEMO} characters"]

    clean: list[tuple[str, int]] = []
    entry_errors: list[str] = []
    if isinstance(entries, str | bytes) or not isinstance(entries, Iterable):
        entry_errors.append("must be a list of (account_code, amount_paise) pairs")
        entries = []
    for index, entry in enumerate(entries):
        if not (isinstance(entry, tuple | list) and len(entry) == 2):
            entry_errors.append(f"entry {index}: must be an (account_code, amount_paise) pair")
            continue
        code, amount = entry
        try:
            chart.parse_code(code)
        except chart.UnknownAccountCode as exc:
            entry_errors.append(f"entry {index}: {exc}")
            continue
        if not is_paise(amount, minimum=None):
            entry_errors.append(f"entry {index}: amount_paise must be an integer number of paise")
        elif amount == 0:
            entry_errors.append(f"entry {index}: amount_paise must not be zero")
        elif abs(amount) > MAX_AMOUNT_PAISE:
            entry_errors.append(f"entry {index}: amount_paise is implausibly large")
        else:
            clean.append((code, amount))
    if not entry_errors and not clean:
        entry_errors.append("a transaction needs entries")
    if entry_errors:
        errors["entries"] = entry_errors
    if errors:
        raise LedgerInvalid(details=errors)

    total = sum(amount for _, amount in clean)
    if total != 0:
        raise LedgerUnbalanced(
            f"The entries of a ledger transaction must sum to zero; these sum to {total} paise.",
            details={"entries": [f"entries sum to {total} paise, not 0"]},
        )
    return clean


def _accounts_for(codes: Iterable[str]) -> dict[str, Account]:
    """The accounts named by `codes`, creating missing ones (type inferred from the code).

    One query when they all exist. Creation is race-safe: `get_or_create` runs the
    insert in a savepoint and re-reads on the unique violation of a concurrent creator.
    """
    wanted = set(codes)
    found = {account.code: account for account in Account.objects.filter(code__in=wanted)}
    missing = sorted(wanted - found.keys())
    if not missing:
        return found
    specs = [chart.parse_code(code) for code in missing]
    vendor_ids = {spec.vendor_id for spec in specs if spec.vendor_id is not None}
    if vendor_ids:
        known = set(User.objects.filter(pk__in=vendor_ids, role=User.Role.VENDOR).values_list("pk", flat=True))
        if unknown := sorted(vendor_ids - known):
            raise LedgerInvalid(details={"entries": [f"vendor {vendor_id} does not exist" for vendor_id in unknown]})
    for spec in specs:
        account, _created = Account.objects.get_or_create(
            code=spec.code, defaults={"type": spec.type, "vendor_id": spec.vendor_id, "name": spec.name}
        )
        found[spec.code] = account
    return found


def _lock_vendor_accounts_debited(accounts: dict[str, Account], entries: Sequence[tuple[str, int]]) -> None:
    """Lock the vendor payables (available money) this posting reduces, in a fixed (id) order.

    `ledger_payout` checks the payable balance under the same lock, so a payout
    sees every refund or reversal that reduced the balance before it. Captures and
    releases only raise it and take no lock, so the busy path never waits; pending
    accounts are never paid out from and need none.
    """
    ids = sorted(
        {
            accounts[code].pk
            for code, amount in entries
            if amount > 0 and accounts[code].vendor_id and code == chart.vendor_payable(accounts[code].vendor_id)
        }
    )
    accounts_lock(account_ids=ids)


def _existing(kind: str, reference: str) -> Transaction | None:
    return Transaction.objects.filter(kind=kind, reference=reference).first()


def _warn_if_different(existing: Transaction, entries: Sequence[tuple[str, int]]) -> None:
    posted = Counter(existing.entries.values_list("account__code", "amount_paise"))
    if posted != Counter(entries):
        logger.warning(
            "ledger posting %s:%s repeated with different entries; the first posting stands",
            existing.kind,
            existing.reference,
        )


def _post(
    *,
    kind: str,
    reference: str,
    entries: Sequence[tuple[str, int]],
    memo: str,
    actor,
    reverses: Transaction | None = None,
) -> Transaction:
    clean = _validated(kind=kind, reference=reference, entries=entries, memo=memo)
    if existing := _existing(kind, reference):
        _warn_if_different(existing, clean)
        return existing
    with transaction.atomic():
        accounts = _accounts_for(code for code, _ in clean)
        _lock_vendor_accounts_debited(accounts, clean)
        try:
            # The savepoint keeps the caller's transaction usable when a concurrent
            # poster wins the (kind, reference) race and this insert violates the constraint.
            with transaction.atomic():
                txn = Transaction.objects.create(
                    kind=kind, reference=reference, memo=memo, actor=actor, reverses=reverses
                )
                Entry.objects.bulk_create(
                    [Entry(transaction=txn, account=accounts[code], amount_paise=amount) for code, amount in clean]
                )
        except IntegrityError:
            existing = _existing(kind, reference)
            if existing is None:
                raise
            _warn_if_different(existing, clean)
            return existing
    return txn


def ledger_post(
    *, kind: str, reference: str, entries: list[tuple[str, int]], memo: str = "", actor: User | None = None
) -> Transaction:
    """Write one balanced transaction, at most once per `(kind, reference)`.

    `entries` are `(account_code, amount_paise)` pairs, debits positive and credits
    negative; accounts are created on first use. Refuses empty, zero-amount or
    unbalanced entries (`LedgerInvalid` / `LedgerUnbalanced`, 400) and writes nothing
    then. A repeated `(kind, reference)`, also from concurrent callers, returns the
    first transaction and writes nothing. Safe inside the caller's `transaction.atomic`.
    """
    if kind == Transaction.Kind.REVERSAL:
        raise LedgerInvalid(details={"kind": ["reversals are posted with ledger_reverse"]})
    return _post(kind=kind, reference=reference, entries=entries, memo=memo, actor=actor)


def ledger_reverse(
    *, transaction: Transaction, reference: str, memo: str = "", actor: User | None = None
) -> Transaction:
    """Post a `reversal` that undoes `transaction` entry by entry; the only way to correct the book.

    Each transaction is reversed at most once (a database constraint): reversing it
    again under the same reference returns the first reversal, under another reference
    raises `AlreadyReversed`. Reversals themselves cannot be reversed (`NotReversible`).
    """
    original = transaction
    if original.kind == Transaction.Kind.REVERSAL:
        raise NotReversible()
    entries = [(code, -amount) for code, amount in original.entries.values_list("account__code", "amount_paise")]
    prior = Transaction.objects.filter(reverses=original).only("id", "reference").first()
    if prior is not None:
        if prior.reference == reference:
            return Transaction.objects.get(pk=prior.pk)
        raise AlreadyReversed()
    try:
        reversal = _post(
            kind=Transaction.Kind.REVERSAL,
            reference=reference,
            entries=entries,
            memo=memo or f"Reversal of {original.kind}:{original.reference}",
            actor=actor,
            reverses=original,
        )
    except IntegrityError:
        # A concurrent reversal of the same transaction under another reference won.
        raise AlreadyReversed()
    if reversal.reverses_id != original.pk:
        raise ReferenceConflict()
    return reversal


def ledger_payout(*, vendor: User, amount_paise: int, actor: User, reference: str, memo: str = "") -> Transaction:
    """Record money paid out to `vendor`: debit its payable, credit `bank:payouts`.

    Never more than the vendor's available money, the balance of its payable account
    (`PayoutExceedsBalance`, 409, nothing written): money of orders and print jobs not
    yet completed sits in its pending account and cannot be paid out. The payable
    account row is locked while the balance is read and the payout written, so
    concurrent payouts (and refunds) cannot overdraw it.
    Idempotent on `reference` like every posting.
    """
    if not is_paise(amount_paise):
        raise LedgerInvalid(details={"amount_paise": ["must be a positive integer number of paise"]})
    if getattr(vendor, "role", None) != User.Role.VENDOR or not vendor.pk:
        raise LedgerInvalid(details={"vendor": ["payouts are made to vendors only"]})
    if actor is None or not actor.is_campus_staff:
        raise Forbidden(_("Only campus staff can record payouts."))
    code = chart.vendor_payable(vendor.pk)
    with transaction.atomic():
        account = account_lock_by_code(code=code)
        # Re-read after taking the lock: a concurrent retry of this payout may just have committed.
        if existing := _existing(Transaction.Kind.PAYOUT, reference):
            return existing
        owed = 0
        if account is not None:
            owed = -(Entry.objects.filter(account=account).aggregate(total=Sum("amount_paise"))["total"] or 0)
        if amount_paise > owed:
            raise PayoutExceedsBalance(
                f"The payout of {amount_paise} paise is larger than the {max(owed, 0)} paise available "
                "to pay out to this vendor (money of orders not yet completed is pending).",
                details={"amount_paise": [f"at most {max(owed, 0)} paise"]},
            )
        return _post(
            kind=Transaction.Kind.PAYOUT,
            reference=reference,
            entries=[(code, amount_paise), (chart.PAYOUTS, -amount_paise)],
            memo=memo or f"Payout to vendor {vendor.pk}",
            actor=actor,
        )
