"""PostgreSQL itself refuses an unbalanced or rewritten book (migration 0003), whatever writes to it."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.tests.factories import FoodVendorFactory
from ledger import chart
from ledger.models import Account, Entry, Transaction

from .factories import post_capture

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers exist on PostgreSQL only"),
]

TRIGGERS = {
    "ledger_entry_balanced",
    "ledger_transaction_has_entries",
    "ledger_entry_append_only",
    "ledger_transaction_append_only",
}


def _accounts() -> tuple[int, int]:
    gateway = Account.objects.create(code=chart.GATEWAY, type="asset")
    commission = Account.objects.create(code=chart.COMMISSION, type="income")
    return gateway.pk, commission.pk


def _raw_transaction(cursor, reference: str) -> int:
    cursor.execute(
        "INSERT INTO ledger_transaction (kind, reference, memo, created_at) VALUES ('adjustment', %s, '', now()) "
        "RETURNING id",
        [reference],
    )
    return cursor.fetchone()[0]


def _raw_entry(cursor, txn_id: int, account_id: int, amount: int) -> None:
    cursor.execute(
        "INSERT INTO ledger_entry (transaction_id, account_id, amount_paise, created_at) VALUES (%s, %s, %s, now())",
        [txn_id, account_id, amount],
    )


def _installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'ledger_%%' AND NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def test_the_migration_installs_the_triggers():
    assert _installed_triggers() == TRIGGERS
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname IN ('ledger_entry_balanced', 'ledger_transaction_has_entries') "
            "AND tgdeferrable AND tginitdeferred"
        )
        assert len(cursor.fetchall()) == 2


def test_an_unbalanced_raw_insert_fails_at_commit_and_leaves_no_rows():
    gateway, commission = _accounts()
    reached_commit = False
    # pytest.raises is outermost: the error comes from the COMMIT as atomic() exits.
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic(), connection.cursor() as cursor:
        txn_id = _raw_transaction(cursor, "raw_1")
        _raw_entry(cursor, txn_id, gateway, 100)
        _raw_entry(cursor, txn_id, commission, -99)
        reached_commit = True  # the inserts themselves succeed: the check is deferred to COMMIT
    assert reached_commit
    assert Transaction.objects.count() == 0
    assert Entry.objects.count() == 0


def test_a_transaction_without_entries_fails_at_commit():
    with pytest.raises(IntegrityError, match="has no entries"), transaction.atomic(), connection.cursor() as cursor:
        _raw_transaction(cursor, "raw_empty")
    assert Transaction.objects.count() == 0


def test_a_balanced_raw_insert_commits():
    gateway, commission = _accounts()
    with transaction.atomic(), connection.cursor() as cursor:
        txn_id = _raw_transaction(cursor, "raw_ok")
        _raw_entry(cursor, txn_id, gateway, 100)
        _raw_entry(cursor, txn_id, commission, -60)
        _raw_entry(cursor, txn_id, commission, -40)
    assert Entry.objects.filter(transaction_id=txn_id).count() == 3


def test_appending_a_leg_to_a_committed_transaction_fails_at_commit():
    """A committed, balanced transaction cannot be unbalanced later by adding an entry to it."""
    txn = post_capture(FoodVendorFactory(), 500)
    gateway = Account.objects.get(code=chart.GATEWAY).pk
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic(), connection.cursor() as cursor:
        _raw_entry(cursor, txn.pk, gateway, 100)
    assert txn.entries.count() == 2


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entry SET amount_paise = 1",
        "UPDATE ledger_entry SET created_at = now()",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_transaction SET memo = 'edited'",
        "UPDATE ledger_transaction SET reference = 'other'",
        "DELETE FROM ledger_transaction",
    ],
)
def test_update_and_delete_of_entries_and_transactions_are_refused(sql):
    vendor = FoodVendorFactory()
    txn = post_capture(vendor, 500, reference="pay_1")
    with pytest.raises(IntegrityError, match="append-only"), connection.cursor() as cursor:
        cursor.execute(sql)
    txn.refresh_from_db()
    assert (txn.reference, txn.memo) == ("pay_1", "")
    assert sorted(Entry.objects.values_list("amount_paise", flat=True)) == [-500, 500]


def test_the_orm_cannot_edit_or_delete_either():
    txn = post_capture(FoodVendorFactory(), 500)
    entry = txn.entries.first()
    entry.amount_paise = 1
    with pytest.raises(IntegrityError):
        entry.save()
    with pytest.raises(IntegrityError):
        Transaction.objects.filter(pk=txn.pk).update(memo="x")


def test_flush_still_empties_the_book():
    """TRUNCATE (manage.py flush, test teardown) fires no row trigger."""
    post_capture(FoodVendorFactory(), 500)
    call_command("flush", interactive=False, verbosity=0)
    assert (Transaction.objects.count(), Entry.objects.count(), Account.objects.count()) == (0, 0, 0)


def test_the_migration_reverses_cleanly_and_reapplies():
    executor = MigrationExecutor(connection)
    executor.migrate([("ledger", "0002_integrity")])
    try:
        assert _installed_triggers() == set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_proc WHERE proname LIKE 'ledger_%%'")
            assert cursor.fetchone()[0] == 0
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert _installed_triggers() == TRIGGERS
