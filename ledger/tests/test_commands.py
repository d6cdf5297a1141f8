import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from accounts.tests.factories import FoodVendorFactory
from ledger import chart
from ledger.models import Account, Entry, Transaction

from .factories import post_capture, post_payout, post_release


@pytest.mark.django_db
def test_ledger_check_passes_on_a_sound_book(capsys):
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000, fee=10)
    post_payout(vendor, 990)
    call_command("ledger_check")
    out = capsys.readouterr().out
    assert "Ledger OK: 2 transactions, 5 entries" in out


@pytest.mark.django_db(transaction=True)
def test_ledger_check_fails_with_a_report_on_a_broken_book(capsys):
    """The database refuses to store an unbalanced book, so the test switches its triggers off to craft one."""
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000, reference="pay_ok")
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():  # rolled back with the ALTERs if anything fails
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_balanced")
                cursor.execute("ALTER TABLE ledger_transaction DISABLE TRIGGER ledger_transaction_has_entries")
        gateway = Account.objects.get(code=chart.GATEWAY)
        lopsided = Transaction.objects.create(kind="adjustment", reference="adj_bad")
        Entry.objects.create(transaction=lopsided, account=gateway, amount_paise=250)
        Transaction.objects.create(kind="adjustment", reference="adj_empty")
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the pending foreign key checks first
                cursor.execute("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_balanced")
                cursor.execute("ALTER TABLE ledger_transaction ENABLE TRIGGER ledger_transaction_has_entries")

    with pytest.raises(CommandError) as caught:
        call_command("ledger_check")
    assert caught.value.returncode == 1
    assert "3 problem(s)" in str(caught.value)
    err = capsys.readouterr().err
    assert f"transaction {lopsided.pk} (adjustment:adj_bad) does not balance: its entries sum to 250 paise" in err
    assert "(adjustment:adj_empty) has no entries" in err
    assert "the whole book sums to 250 paise, not 0" in err
    assert "pay_ok" not in err


@pytest.mark.django_db
def test_ledger_check_fails_when_a_pending_account_is_overdrawn(capsys):
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000, pending=True)
    post_release(vendor, 1_000)
    call_command("ledger_check")
    post_release(vendor, 400)  # released more than was captured: the book balances but is wrong
    with pytest.raises(CommandError, match="FAILED"):
        call_command("ledger_check")
    assert f"pending account {chart.vendor_pending(vendor.pk)} has a debit balance of 400" in capsys.readouterr().err
