"""Vendor-scoped catalogue readers answer nothing once the vendor is not approved (or is blocked)."""

import pytest

from catalog import selectors

from .factories import MenuItemFactory, PrintServiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fields", [{"is_approved": False}, {"is_active": False}])
def test_own_menu_and_print_services_are_gone_when_the_vendor_is_not_approved(fields):
    item = MenuItemFactory()
    service = PrintServiceFactory()
    assert list(selectors.menu_item_list_for_vendor(vendor=item.vendor)) == [item]
    assert list(selectors.print_service_list_for_vendor(vendor=service.vendor)) == [service]
    for vendor in (item.vendor, service.vendor):
        for name, value in fields.items():
            setattr(vendor, name, value)
        vendor.save(update_fields=list(fields))
    assert list(selectors.menu_item_list_for_vendor(vendor=item.vendor)) == []
    assert list(selectors.print_service_list_for_vendor(vendor=service.vendor)) == []
