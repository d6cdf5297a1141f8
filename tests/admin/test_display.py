"""core.admin_display: rupees and campus time written once, rupees read exactly."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms

from core.admin_display import RupeesField, campus_span, campus_time, money, paise_from_rupees

UTC = dt.UTC


def test_money_is_rupees_with_indian_grouping():
    assert money(5500) == "₹55.00"
    assert money(12345600) == "₹1,23,456.00"
    assert money(-45) == "-₹0.45"
    assert money(None) == "—"


def test_times_are_campus_time_whatever_the_zone_they_come_in():
    noon_in_kolkata = dt.datetime(2026, 12, 2, 6, 30, tzinfo=UTC)
    assert campus_time(noon_in_kolkata) == "02 Dec 2026, 12:00"
    assert campus_span(noon_in_kolkata, noon_in_kolkata + dt.timedelta(minutes=30)) == "02 Dec 2026, 12:00–12:30"
    assert campus_time(None) == "—"


@pytest.mark.parametrize(
    ("text", "paise"),
    [
        ("123.45", 12345),
        ("123.4", 12340),
        ("123", 12300),
        ("0.01", 1),
        ("1,234.50", 123450),
        ("1,23,456", 12345600),
        ("123,456.7", 12345670),
        ("12,34,56,789", 12_345_678_900),
        ("₹ 55", 5500),
        ("Rs 55.5", 5550),
        (" 19.99 ", 1999),
        ("0.29", 29),  # float(0.29) * 100 is 28.999…: exact here
        ("1.15", 115),
    ],
)
def test_rupees_typed_become_exact_paise(text, paise):
    assert paise_from_rupees(text) == paise
    assert RupeesField().clean(text) == paise


@pytest.mark.parametrize(
    "text", ["10.005", "1.999", "-5", "ten", "1e3", "12..5", "", "   ", "5,5", "1,50.25", "12,3456", "1.2.3", "1,"]
)
def test_anything_else_is_refused_not_rounded(text):
    with pytest.raises(forms.ValidationError):
        RupeesField().clean(text)


def test_bounds_and_initial_value():
    with pytest.raises(forms.ValidationError, match=re.escape("at least ₹0.01")):
        RupeesField().clean("0")
    with pytest.raises(forms.ValidationError, match=re.escape("At most ₹50.00")):
        RupeesField(max_paise=5000).clean("50.01")
    assert RupeesField(max_paise=5000).clean("50") == 5000
    assert RupeesField(required=False).clean("") is None
    assert RupeesField().prepare_value(123456) == "1234.56"
    assert RupeesField().prepare_value("12.5") == "12.5"
