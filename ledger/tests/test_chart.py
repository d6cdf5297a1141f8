import pytest

from ledger import chart


def test_constants_and_vendor_payable_code():
    assert chart.GATEWAY == "gateway:razorpay"
    assert chart.COMMISSION == "platform:commission"
    assert chart.PAYOUTS == "bank:payouts"
    assert chart.vendor_payable(42) == "vendor:42:payable"


@pytest.mark.parametrize("bad", [0, -1, True, "7", None, 1.0])
def test_vendor_payable_refuses_non_ids(bad):
    with pytest.raises(ValueError):
        chart.vendor_payable(bad)


@pytest.mark.parametrize(
    ("code", "type_", "vendor_id"),
    [
        ("gateway:razorpay", "asset", None),
        ("bank:payouts", "asset", None),
        ("vendor:12:payable", "liability", 12),
        ("platform:commission", "income", None),
    ],
)
def test_type_is_inferred_from_the_code(code, type_, vendor_id):
    spec = chart.parse_code(code)
    assert (spec.type, spec.vendor_id) == (type_, vendor_id)
    assert chart.vendor_id_of(code) == vendor_id


@pytest.mark.parametrize(
    "code", ["", "vendor:0:payable", "vendor:x:payable", "vendor:1:receivable", "platform:other", "cash", None, 5]
)
def test_unknown_codes_are_refused(code):
    with pytest.raises(chart.UnknownAccountCode):
        chart.parse_code(code)
