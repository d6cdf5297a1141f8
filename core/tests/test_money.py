"""core.money: the one check of an amount in paise, the one way it is written in rupees, the one split."""

from decimal import Decimal

import pytest

from core.money import is_paise, pro_rata, rupees

# --- is_paise ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 100, 10_00_000, 10**15])
def test_whole_positive_paise_are_amounts(value):
    assert is_paise(value)


@pytest.mark.parametrize(
    "value",
    [True, False, 1.0, 99.5, Decimal("100"), "100", None, [100], 0, -1, -10_000],
    ids=repr,
)
def test_bools_floats_decimals_text_zero_and_negatives_are_refused_by_default(value):
    assert not is_paise(value)


def test_zero_and_negatives_pass_only_without_a_minimum():
    assert is_paise(0, minimum=None) and is_paise(-500, minimum=None)
    assert is_paise(0, minimum=0) and not is_paise(-1, minimum=0)
    # A signed amount is still an int: bools and floats stay refused.
    assert not is_paise(True, minimum=None) and not is_paise(-1.0, minimum=None)


def test_the_maximum_is_inclusive_and_huge_amounts_are_refused_under_it():
    assert is_paise(10_00_000, maximum=10_00_000)
    assert not is_paise(10_00_001, maximum=10_00_000)
    assert not is_paise(10**30, maximum=10**12)
    assert is_paise(10**30)  # without a maximum only the type and the minimum are checked


# --- rupees -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paise", "text"),
    [
        (0, "₹0.00"),
        (5, "₹0.05"),
        (100, "₹1.00"),
        (12050, "₹120.50"),
        (99_999, "₹999.99"),
        (1_00_000, "₹1,000.00"),
        (12_34_567, "₹12,345.67"),
        (1_23_45_600, "₹1,23,456.00"),
        (1_00_00_000_00, "₹1,00,00,000.00"),  # one crore
        (12_34_56_78_900, "₹12,34,56,789.00"),
        (1_00_00_00_000_00, "₹1,00,00,00,000.00"),  # a hundred crore
    ],
)
def test_rupees_use_indian_grouping(paise, text):
    assert rupees(paise) == text


@pytest.mark.parametrize(("paise", "text"), [(-45, "-₹0.45"), (-12300, "-₹123.00"), (-1_23_45_600, "-₹1,23,456.00")])
def test_negative_amounts_carry_the_sign_before_the_symbol(paise, text):
    assert rupees(paise) == text


def test_short_form_leaves_out_the_paise_of_whole_rupees_only():
    assert rupees(12000, short=True) == "₹120"
    assert rupees(12050, short=True) == "₹120.50"
    assert rupees(0, short=True) == "₹0"
    assert rupees(1_00_00_000_00, short=True) == "₹1,00,00,000"


def test_the_template_filter_and_the_admin_write_amounts_through_core_money():
    from pages.templatetags.tnt import rupees as rupees_filter

    assert rupees_filter(1_23_45_600) == "₹1,23,456"
    assert rupees_filter(450) == "₹4.50"
    assert rupees_filter(None) == ""


# --- pro_rata ---------------------------------------------------------------------------


def test_pro_rata_rounds_down():
    assert pro_rata(1000, part=1, whole=3) == 333
    assert pro_rata(9700, part=250, whole=10000) == 242


def test_cumulative_pro_rata_pieces_add_up_to_the_whole_share():
    share, captured = 9_701, 10_000
    refunds = [3_333, 3_333, 3_334]
    pieces, before = [], 0
    for amount in refunds:
        pieces.append(
            pro_rata(share, part=before + amount, whole=captured) - pro_rata(share, part=before, whole=captured)
        )
        before += amount
    assert sum(pieces) == share


def test_pro_rata_refuses_a_whole_of_zero():
    with pytest.raises(ValueError):
        pro_rata(100, part=1, whole=0)
