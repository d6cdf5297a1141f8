import pytest
from django.db import IntegrityError, transaction

from accounts.tests.factories import FoodVendorFactory, StaffFactory, StudentFactory
from core.errors import ApplicationError, Forbidden
from ledger import chart, services
from ledger.errors import (
    AlreadyReversed,
    LedgerInvalid,
    LedgerUnbalanced,
    NotReversible,
    PayoutExceedsBalance,
)
from ledger.models import Account, Entry, Transaction
from ledger.selectors import account_balance, vendor_summary
from ledger.services import ledger_payout, ledger_post, ledger_reverse

from .factories import capture_entries, post_capture, post_refund

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Account.objects.count(), Transaction.objects.count(), Entry.objects.count()


# --- ledger_post ---------------------------------------------------------------------------------


def test_post_writes_a_balanced_transaction_and_creates_typed_accounts_on_first_use():
    vendor, staff = FoodVendorFactory(), StaffFactory()
    txn = ledger_post(
        kind="capture",
        reference="pay_1",
        entries=[(chart.GATEWAY, 10_000), (chart.vendor_payable(vendor.pk), -9_800), (chart.COMMISSION, -200)],
        memo="order 7",
        actor=staff,
    )
    assert (txn.kind, txn.reference, txn.memo, txn.actor) == ("capture", "pay_1", "order 7", staff)
    assert sorted(txn.entries.values_list("account__code", "amount_paise")) == [
        ("gateway:razorpay", 10_000),
        ("platform:commission", -200),
        (f"vendor:{vendor.pk}:payable", -9_800),
    ]
    accounts = {a.code: a for a in Account.objects.all()}
    assert accounts[chart.GATEWAY].type == Account.Type.ASSET
    assert accounts[chart.COMMISSION].type == Account.Type.INCOME
    payable = accounts[chart.vendor_payable(vendor.pk)]
    assert (payable.type, payable.vendor) == (Account.Type.LIABILITY, vendor)
    ledger_post(
        kind="payout", reference="po_1", entries=[(chart.vendor_payable(vendor.pk), 100), (chart.PAYOUTS, -100)]
    )
    assert Account.objects.get(code=chart.PAYOUTS).type == Account.Type.ASSET


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        ([], "validation_error"),
        ([(chart.GATEWAY, 100), (chart.COMMISSION, -99)], "ledger_unbalanced"),
        ([(chart.GATEWAY, 100)], "ledger_unbalanced"),
        ([(chart.GATEWAY, 100), (chart.COMMISSION, -100), (chart.PAYOUTS, 0)], "validation_error"),
        ([(chart.GATEWAY, True), (chart.COMMISSION, -1)], "validation_error"),
        ([(chart.GATEWAY, 1.5), (chart.COMMISSION, -1.5)], "validation_error"),
        ([("cash:drawer", 100), (chart.COMMISSION, -100)], "validation_error"),
        ([(chart.GATEWAY, 100, "x")], "validation_error"),
        ("gateway:razorpay", "validation_error"),
        ([(chart.GATEWAY, 10**13), (chart.COMMISSION, -(10**13))], "validation_error"),
    ],
)
def test_post_refuses_bad_entries_with_400_and_writes_nothing(entries, code):
    before = _counts()
    with pytest.raises(ApplicationError) as caught:
        ledger_post(kind="capture", reference="pay_bad", entries=entries)
    assert (caught.value.code, caught.value.status_code) == (code, 400)
    assert caught.value.details["entries"]
    assert _counts() == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "gift"}, "kind"),
        ({"kind": "reversal"}, "kind"),
        ({"reference": ""}, "reference"),
        ({"reference": "   "}, "reference"),
        ({"reference": "r" * 101}, "reference"),
        ({"memo": "m" * 301}, "memo"),
    ],
)
def test_post_refuses_bad_kind_reference_or_memo(kwargs, field):
    args = {"kind": "capture", "reference": "pay_1", "entries": [(chart.GATEWAY, 5), (chart.COMMISSION, -5)]}
    with pytest.raises(LedgerInvalid) as caught:
        ledger_post(**{**args, **kwargs})
    assert field in caught.value.details
    assert _counts() == (0, 0, 0)


def test_post_refuses_a_payable_of_a_user_who_is_not_a_vendor_and_writes_nothing():
    student = StudentFactory()
    with pytest.raises(LedgerInvalid):
        ledger_post(
            kind="capture", reference="pay_1", entries=[(chart.GATEWAY, 5), (chart.vendor_payable(student.pk), -5)]
        )
    with pytest.raises(LedgerInvalid):
        ledger_post(
            kind="capture", reference="pay_2", entries=[(chart.GATEWAY, 5), (chart.vendor_payable(999_999), -5)]
        )
    assert _counts() == (0, 0, 0)


def test_unbalanced_is_an_application_error_subclass_with_its_own_code():
    assert issubclass(LedgerUnbalanced, ApplicationError)
    assert (LedgerUnbalanced.code, LedgerUnbalanced.status_code) == ("ledger_unbalanced", 400)


def test_post_is_idempotent_on_kind_and_reference(django_assert_num_queries):
    vendor = FoodVendorFactory()
    first = post_capture(vendor, 500, reference="pay_1")
    before = _counts()
    with django_assert_num_queries(2):  # the lookup and the comparison of its entries; nothing written
        again = post_capture(vendor, 500, reference="pay_1")
    assert again.pk == first.pk
    assert _counts() == before
    # The same reference under another kind is another posting.
    other = post_refund(vendor, 500, reference="pay_1")
    assert other.pk != first.pk


def test_a_repeat_with_different_entries_returns_the_first_posting_and_logs(caplog):
    vendor = FoodVendorFactory()
    first = post_capture(vendor, 500, reference="pay_1")
    again = post_capture(vendor, 700, reference="pay_1")
    assert again.pk == first.pk
    assert account_balance(code=chart.GATEWAY) == 500
    assert "repeated with different entries" in caplog.text


def test_losing_the_insert_race_inside_the_callers_transaction_returns_the_winner_and_keeps_it_usable(monkeypatch):
    """The pre-check can miss a concurrent poster; the unique constraint then decides, in a savepoint."""
    vendor = FoodVendorFactory()
    winner = post_capture(vendor, 500, reference="pay_1")
    real_existing = services._existing
    calls = []

    def miss_once(kind, reference):
        calls.append(kind)
        return None if len(calls) == 1 else real_existing(kind, reference)

    monkeypatch.setattr(services, "_existing", miss_once)
    with transaction.atomic():
        result = ledger_post(kind="capture", reference="pay_1", entries=capture_entries(vendor.pk, 500))
        # The caller's transaction is still usable after the IntegrityError was rolled back to the savepoint.
        assert Transaction.objects.count() == 1
    assert result.pk == winner.pk
    assert len(calls) == 2
    assert Entry.objects.count() == 2


def test_an_integrity_error_that_is_not_a_duplicate_is_not_swallowed(monkeypatch):
    def broken_create(**kwargs):
        raise IntegrityError("something else")

    monkeypatch.setattr(Transaction.objects, "create", broken_create)
    with pytest.raises(IntegrityError):
        ledger_post(kind="adjustment", reference="adj_1", entries=[(chart.GATEWAY, 5), (chart.COMMISSION, -5)])


def test_post_runs_a_constant_number_of_queries_once_accounts_exist(django_assert_max_num_queries):
    vendors = FoodVendorFactory.create_batch(3)
    for vendor in vendors:
        post_capture(vendor, 100)
    for entries_count in (1, 3):
        entries = [(chart.GATEWAY, 100 * entries_count)] + [
            (chart.vendor_payable(v.pk), -100) for v in vendors[:entries_count]
        ]
        # pre-check, accounts, savepoint, insert, bulk insert, release (+ outer savepoint in tests)
        with django_assert_max_num_queries(8):
            ledger_post(kind="adjustment", reference=f"adj_{entries_count}", entries=entries)


# --- ledger_reverse ------------------------------------------------------------------------------


def test_reverse_posts_the_negated_entries_and_restores_every_balance():
    vendor, staff = FoodVendorFactory(), StaffFactory()
    original = post_capture(vendor, 1_000, fee=30)
    reversal = ledger_reverse(transaction=original, reference="rev_1", memo="wrong vendor", actor=staff)
    assert (reversal.kind, reversal.reverses, reversal.actor, reversal.memo) == (
        "reversal",
        original,
        staff,
        "wrong vendor",
    )
    assert sorted(reversal.entries.values_list("account__code", "amount_paise")) == sorted(
        (code, -amount) for code, amount in original.entries.values_list("account__code", "amount_paise")
    )
    for code in (chart.GATEWAY, chart.COMMISSION, chart.vendor_payable(vendor.pk)):
        assert account_balance(code=code) == 0
    assert original.entries.count() == 3  # the original is untouched


def test_reverse_is_idempotent_and_happens_once():
    vendor = FoodVendorFactory()
    original = post_capture(vendor, 1_000)
    first = ledger_reverse(transaction=original, reference="rev_1", memo="", actor=None)
    assert ledger_reverse(transaction=original, reference="rev_1", memo="", actor=None).pk == first.pk
    with pytest.raises(AlreadyReversed) as caught:
        ledger_reverse(transaction=original, reference="rev_2", memo="", actor=None)
    assert caught.value.status_code == 409
    with pytest.raises(NotReversible):
        ledger_reverse(transaction=first, reference="rev_3", memo="", actor=None)
    assert Transaction.objects.filter(kind="reversal").count() == 1


def test_reverse_refuses_a_reference_already_used_by_another_reversal():
    vendor = FoodVendorFactory()
    one, two = post_capture(vendor, 100), post_capture(vendor, 200)
    ledger_reverse(transaction=one, reference="rev_1", memo="", actor=None)
    with pytest.raises(ApplicationError) as caught:
        ledger_reverse(transaction=two, reference="rev_1", memo="", actor=None)
    assert caught.value.code == "ledger_reference_conflict"
    assert not Transaction.objects.filter(reverses=two).exists()


# --- ledger_payout -------------------------------------------------------------------------------


def test_payout_moves_the_payable_to_the_bank():
    vendor, staff = FoodVendorFactory(), StaffFactory()
    post_capture(vendor, 10_000, fee=100)
    txn = ledger_payout(vendor=vendor, amount_paise=9_900, actor=staff, reference="po_1", memo="UTR 123")
    assert (txn.kind, txn.actor, txn.memo) == ("payout", staff, "UTR 123")
    assert sorted(txn.entries.values_list("account__code", "amount_paise")) == [
        ("bank:payouts", -9_900),
        (f"vendor:{vendor.pk}:payable", 9_900),
    ]
    assert vendor_summary(vendor_id=vendor.pk)["payable_paise"] == 0
    assert vendor_summary(vendor_id=vendor.pk)["paid_out_paise"] == 9_900


def test_payout_larger_than_the_payable_is_refused_and_writes_nothing():
    vendor, staff = FoodVendorFactory(), StaffFactory()
    post_capture(vendor, 1_000)
    post_refund(vendor, 400)
    before = _counts()
    with pytest.raises(PayoutExceedsBalance) as caught:
        ledger_payout(vendor=vendor, amount_paise=601, actor=staff, reference="po_1")
    assert (caught.value.code, caught.value.status_code) == ("payout_exceeds_balance", 409)
    assert _counts() == before
    ledger_payout(vendor=vendor, amount_paise=600, actor=staff, reference="po_1")
    with pytest.raises(PayoutExceedsBalance):
        ledger_payout(vendor=vendor, amount_paise=1, actor=staff, reference="po_2")


def test_payout_to_a_vendor_with_no_account_yet_is_refused():
    with pytest.raises(PayoutExceedsBalance):
        ledger_payout(vendor=FoodVendorFactory(), amount_paise=1, actor=StaffFactory(), reference="po_1")
    assert _counts() == (0, 0, 0)


def test_payout_is_idempotent_on_reference():
    vendor, staff = FoodVendorFactory(), StaffFactory()
    post_capture(vendor, 1_000)
    first = ledger_payout(vendor=vendor, amount_paise=1_000, actor=staff, reference="po_1")
    # The balance is now 0, but a retry of the same payout is not a new payout.
    assert ledger_payout(vendor=vendor, amount_paise=1_000, actor=staff, reference="po_1").pk == first.pk
    assert Transaction.objects.filter(kind="payout").count() == 1


@pytest.mark.parametrize("amount", [0, -5, True, 2.5, "100"])
def test_payout_refuses_non_positive_or_non_integer_amounts(amount):
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000)
    with pytest.raises(LedgerInvalid):
        ledger_payout(vendor=vendor, amount_paise=amount, actor=StaffFactory(), reference="po_1")


def test_payout_only_to_vendors_and_only_by_staff():
    vendor = FoodVendorFactory()
    post_capture(vendor, 1_000)
    with pytest.raises(LedgerInvalid):
        ledger_payout(vendor=StudentFactory(), amount_paise=1, actor=StaffFactory(), reference="po_1")
    for actor in (None, vendor, StudentFactory()):
        with pytest.raises(Forbidden):
            ledger_payout(vendor=vendor, amount_paise=1, actor=actor, reference="po_1")
    assert not Transaction.objects.filter(kind="payout").exists()
