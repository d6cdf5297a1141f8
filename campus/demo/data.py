"""The demo campus of `manage.py seed_demo`: who and what it holds (campus/demo/builders.py makes it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from accounts.models import User
from catalog.models import PrintService

SLOT_LENGTH = timedelta(minutes=30)
SLOT_CAPACITY = 10
# Pickup windows: lunch and evening. Slots start every 30 minutes and end by the window's close.
SLOT_WINDOWS: tuple[tuple[time, time], ...] = ((time(12, 0), time(14, 30)), (time(17, 0), time(20, 0)))


@dataclass(frozen=True)
class DemoItem:
    name: str
    category: str
    rupees: int
    description: str = ""

    @property
    def price_paise(self) -> int:
        return self.rupees * 100


@dataclass(frozen=True)
class DemoService:
    name: str
    unit: str
    price_paise: int
    is_colour: bool = False
    colour_price_paise: int | None = None


@dataclass(frozen=True)
class DemoVendor:
    phone: str
    name: str
    vendor_type: str
    shop_name: str
    description: str
    opening_note: str
    approved: bool = True
    items: tuple[DemoItem, ...] = ()
    services: tuple[DemoService, ...] = ()


@dataclass(frozen=True)
class DemoPerson:
    phone: str
    name: str


STAFF = DemoPerson("+919876500000", "Campus Admin")

VENDORS: tuple[DemoVendor, ...] = (
    DemoVendor(
        phone="+919876500011",
        name="Ramesh Kumar",
        vendor_type=User.VendorType.FOOD,
        shop_name="Annapurna Canteen",
        description="The main canteen: South Indian tiffin all day, thalis and North Indian meals at lunch.",
        opening_note="Open 8 am to 9 pm, Monday to Saturday",
        items=(
            DemoItem("Idli Sambar (2 pcs)", "Tiffin", 30, "Steamed rice cakes with sambar and coconut chutney"),
            DemoItem("Medu Vada (2 pcs)", "Tiffin", 35, "Crisp urad dal vadas with sambar"),
            DemoItem("Plain Dosa", "Tiffin", 40),
            DemoItem("Masala Dosa", "Tiffin", 50, "With potato masala, sambar and chutney"),
            DemoItem("Onion Uttapam", "Tiffin", 55),
            DemoItem("Veg Thali", "Meals", 80, "Two sabzis, dal, rice, three chapatis, salad and sweet"),
            DemoItem("Rajma Chawal", "Meals", 60),
            DemoItem("Chole Bhature", "Meals", 70),
            DemoItem("Curd Rice", "Meals", 45),
            DemoItem("Lemon Rice", "Meals", 40),
            DemoItem("Filter Coffee", "Beverages", 15),
            DemoItem("Masala Chai", "Beverages", 12),
        ),
    ),
    DemoVendor(
        phone="+919876500012",
        name="Salim Khan",
        vendor_type=User.VendorType.FOOD,
        shop_name="Rolls & Chinese Corner",
        description="Kathi rolls, Indo-Chinese and Mumbai street snacks near the hostel gate.",
        opening_note="Open 11 am to 10 pm",
        items=(
            DemoItem("Veg Frankie Roll", "Rolls", 50),
            DemoItem("Egg Roll", "Rolls", 50),
            DemoItem("Paneer Tikka Roll", "Rolls", 80),
            DemoItem("Chicken Kathi Roll", "Rolls", 90),
            DemoItem("Veg Hakka Noodles", "Chinese", 70),
            DemoItem("Veg Fried Rice", "Chinese", 70),
            DemoItem("Gobi Manchurian", "Chinese", 80, "Dry, with spring onions"),
            DemoItem("Vada Pav", "Snacks", 20),
            DemoItem("Samosa (2 pcs)", "Snacks", 25, "With green and tamarind chutney"),
            DemoItem("Pav Bhaji", "Snacks", 60),
            DemoItem("Cold Coffee", "Beverages", 45),
            DemoItem("Fresh Lime Soda", "Beverages", 30),
        ),
    ),
    DemoVendor(
        phone="+919876500021",
        name="Suresh Patel",
        vendor_type=User.VendorType.STATIONERY,
        shop_name="Campus Xerox & Prints",
        description="Printouts, photocopies and binding next to the library.",
        opening_note="Open 9 am to 7 pm",
        services=(
            DemoService("B/W print", PrintService.Unit.PAGE, 200),
            DemoService("Colour print", PrintService.Unit.PAGE, 1000, is_colour=True),
            DemoService("Spiral binding", PrintService.Unit.JOB, 3000),
            DemoService("A4 print, colour pages in colour", PrintService.Unit.PAGE, 200, colour_price_paise=1000),
        ),
    ),
    DemoVendor(
        phone="+919876500031",
        name="Meena Joshi",
        vendor_type=User.VendorType.FOOD,
        shop_name="Fresh Juice Bar",
        description="Fresh fruit juices and shakes (waiting for approval by campus staff).",
        opening_note="Open 10 am to 6 pm",
        approved=False,
    ),
)

STUDENTS: tuple[DemoPerson, ...] = (
    DemoPerson("+919876500101", "Aarav Sharma"),
    DemoPerson("+919876500102", "Priya Nair"),
    DemoPerson("+919876500103", "Rohan Iyer"),
)


DEMO_REFUNDED_NOTE = "Demo: rejected after payment and refunded"
DEMO_REPRICED_NOTE = "Demo: please spiral-bind it with a clear cover"

# The counter's demo (campus/demo/counter.py): orders and a print job waiting to be handed over.
DEMO_READY_NOTE = "Demo: ready at the counter"
DEMO_UNCLAIMED_NOTE = "Demo: not collected in time"
DEMO_DELAYED_NOTE = "Demo: the kitchen is running late"
DEMO_DELAY_MINUTES = 15
DEMO_RELEASE_NOTE = "Demo: paid, waiting for its release code"
