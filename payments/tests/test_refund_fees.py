"""Refunds of a capture that paid a platform fee: the vendor's share and the fee go back in
proportion, and refunding everything brings both to zero.

The payments tests run with PLATFORM_FEE_BPS = 0 (conftest); these set 250 bps. The refunds stay
pending (Razorpay is unreachable here); the ledger `refund` is posted when the refund is reserved.
"""

import pytest

from accounts.tests.factories import StaffFactory
from core.errors import ValidationFailed
from ledger import chart
from ledger.models import Transaction
from ledger.selectors import account_balance
from payments.models import Payment
from payments.services import payment_capture, payment_refund, platform_fee
from razorpay_sandbox.state import new_id

from .factories import PaymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fee(settings):
    settings.PLATFORM_FEE_BPS = 250  # 2.5 %
    return settings


def _owed(vendor_id: int) -> int:
    """Everything the campus owes the vendor, in paise (credit-normal liability, shown positive)."""
    return -sum(
        account_balance(code=code) for code in (chart.vendor_pending(vendor_id), chart.vendor_payable(vendor_id))
    )


def _commission() -> int:
    return -account_balance(code=chart.COMMISSION)


def _captured_4500() -> Payment:
    payment = PaymentFactory()
    assert payment.amount_paise == 4500
    return payment_capture(
        payment_id=payment.pk,
        razorpay_payment_id=new_id("pay"),
        amount_paise=4500,
        currency="INR",
        source="reconcile",
    )


def _gateway_entries(transaction: Transaction) -> list[int]:
    return list(transaction.entries.filter(account__code=chart.GATEWAY).values_list("amount_paise", flat=True))


@pytest.mark.parametrize(("amount", "fee_paise"), [(4500, 112), (4599, 114), (100, 2), (39, 0), (40, 1)])
def test_the_platform_fee_is_rounded_down(fee, amount, fee_paise):
    assert platform_fee(amount) == fee_paise


def test_a_capture_books_the_fee_rounded_down(fee):
    payment = _captured_4500()
    vendor_id = payment.order.vendor_id
    assert payment.platform_fee_paise == 112  # 112.5, rounded down
    assert _gateway_entries(Transaction.objects.get(kind="capture")) == [4500]
    assert _owed(vendor_id) == 4388
    assert _commission() == 112


def test_a_partial_refund_gives_back_the_fee_in_proportion_and_the_rest_restores_both(fee):
    payment = _captured_4500()
    vendor_id = payment.order.vendor_id
    staff = StaffFactory()

    first = payment_refund(payment_id=payment.pk, amount_paise=1500, reason="cold food", actor=staff)
    posting = Transaction.objects.get(kind="refund", reference=f"refund:{first.pk}")
    assert _gateway_entries(posting) == [-1500]
    assert _owed(vendor_id) == 4388 - 1462  # the vendor gives back 1,462
    assert _commission() == 112 - 38  # the campus gives back 38 of its fee
    assert sum(posting.entries.values_list("amount_paise", flat=True)) == 0

    rest = payment_refund(payment_id=payment.pk, amount_paise=None, reason="late", actor=staff)
    assert rest.amount_paise == 3000
    posting = Transaction.objects.get(kind="refund", reference=f"refund:{rest.pk}")
    assert _gateway_entries(posting) == [-3000]
    assert _owed(vendor_id) == 0
    assert _commission() == 0
    assert account_balance(code=chart.GATEWAY) == 0
    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refunded_paise == 4500


@pytest.mark.parametrize("amount", [0, -1, True, "100"])
def test_a_refund_of_no_paise_is_refused_and_changes_nothing(amount):
    payment = _captured_4500()
    with pytest.raises(ValidationFailed) as refused:
        payment_refund(payment_id=payment.pk, amount_paise=amount, reason="nothing", actor=StaffFactory())
    assert "amount_paise" in refused.value.details
    payment.refresh_from_db()
    assert payment.refunded_paise == 0 and payment.status == "captured"
    assert not payment.refunds.exists()
    assert not Transaction.objects.filter(kind="refund").exists()
