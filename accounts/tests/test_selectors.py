"""accounts/selectors.py: `*_get*` raise NotFound, `*_find*` may answer None."""

import pytest

from accounts import selectors
from accounts.tests.factories import FoodVendorFactory, StudentFactory
from core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_user_find_by_phone_answers_none_for_a_new_phone():
    student = StudentFactory()
    assert selectors.user_find_by_phone(phone=student.phone) == student
    assert selectors.user_find_by_phone(phone="+919999900000") is None


def test_user_get_raises_not_found_for_a_missing_user():
    student = StudentFactory()
    assert selectors.user_get(user_id=student.pk) == student
    with pytest.raises(NotFound):
        selectors.user_get(user_id=student.pk + 1000)


def test_vendor_get_raises_not_found_for_a_student_or_a_missing_id():
    vendor, student = FoodVendorFactory(), StudentFactory()
    assert selectors.vendor_get(user_id=vendor.pk) == vendor
    with pytest.raises(NotFound):
        selectors.vendor_get(user_id=student.pk)
    with pytest.raises(NotFound):
        selectors.vendor_get(user_id=vendor.pk + 1000)


def test_every_get_selector_raises_and_only_find_selectors_answer_none():
    """The naming rule of docs/architecture.md, over the module itself."""
    import inspect

    for name, function in inspect.getmembers(selectors, inspect.isfunction):
        if function.__module__ != selectors.__name__:
            continue
        annotation = str(inspect.signature(function).return_annotation)
        if "_get" in name:
            assert "None" not in annotation, name
        if "None" in annotation:
            assert "_find" in name, name
