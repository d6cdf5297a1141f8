"""The student pages through Django's test client: status codes, redirects, scoping, roles, errors."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts import services as account_services
from accounts import sms
from accounts.models import AccountEvent, User
from accounts.tests.factories import FoodVendorFactory, StaffFactory, StationeryVendorFactory, StudentFactory
from catalog.models import Shop
from ordering import services as ordering_services
from ordering.models import Order
from payments.models import Payment
from stationery import services as stationery_services
from stationery.models import PrintJob

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def ask_code(django_capture_on_commit_callbacks):
    """POST /login, running the on-commit callbacks (the SMS is queued on commit) as a real commit would."""

    def ask(client, data, path="/login"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    return ask


def _code_from_sms(phone: str) -> str:
    bodies = [m["body"] for m in sms.outbox if m["to"] == phone]
    assert bodies, f"no SMS to {phone}"
    return re.search(r"\b(\d{6})\b", bodies[-1]).group(1)


def _paid(order: Order) -> Order:
    """Mark the order paid as a capture would, with a real payment row."""
    payment = Payment.objects.create(
        payer_id=order.student_id, order=order, amount_paise=order.total_paise, razorpay_order_id=f"order_T{order.pk}"
    )
    return ordering_services.order_mark_paid(order_id=order.pk, payment=payment)


# --- home ----------------------------------------------------------------------------------


def test_home_lists_open_and_closed_shops_for_anyone(client, campus):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Order food and prints · Tap N Take</title>" in html
    assert "Main Canteen" in html and f'href="/vendors/{campus.canteen.vendor_id}"' in html
    assert "Library Xerox" in html and f'href="/print/{campus.xerox.vendor_id}"' in html
    # The closed cafe is listed as closed, without a link to order from it.
    assert "Night Cafe" in html
    assert f'href="/vendors/{campus.closed_cafe.vendor_id}"' not in html
    assert "Closed" in html


def test_home_hides_shops_of_unapproved_vendors(client):
    shop = factories.food_shop(name="Pending Place")
    shop.vendor.is_approved = False
    shop.vendor.save(update_fields=["is_approved"])
    assert "Pending Place" not in client.get("/").content.decode()


# --- sign in -----------------------------------------------------------------------------------


def test_sign_in_by_otp_creates_a_student_session(client, ask_code):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'for="id_phone"' in response.content.decode()

    response = ask_code(client, {"phone": "98765 43210"}, "/login")
    assert response.status_code == 302 and response["Location"] == "/login/code"
    code = _code_from_sms("+919876543210")

    page = client.get("/login/code")
    assert page.status_code == 200
    assert "+919876543210" in page.content.decode()
    assert 'data-cooldown-seconds="' in page.content.decode()

    response = client.post("/login/code", {"code": code, "name": "Ravi"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/orders").status_code == 200
    assert client.get("/").context["user"].name == "Ravi"


def test_sign_in_goes_back_to_next_but_never_off_site(client, ask_code):
    ask_code(client, {"phone": "9876543211", "next": "/orders"}, "/login?next=/orders")
    code = _code_from_sms("+919876543211")
    response = client.post("/login/code", {"code": code, "next": "/orders"})
    assert response["Location"] == "/orders"

    client.post("/logout")
    ask_code(client, {"phone": "9876543212", "next": "https://evil.example/"}, "/login")
    code = _code_from_sms("+919876543212")
    response = client.post("/login/code", {"code": code, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_sign_in_errors_are_plain_words(client, ask_code):
    response = ask_code(client, {"phone": "12345"}, "/login")
    assert response.status_code == 400
    assert "Enter an Indian mobile number" in response.content.decode()

    ask_code(client, {"phone": "9876543213"}, "/login")
    response = client.post("/login/code", {"code": "12"})
    assert response.status_code == 400
    assert "Enter the 6-digit code" in response.content.decode()

    right = _code_from_sms("+919876543213")
    wrong = "000000" if right != "000000" else "111111"
    response = client.post("/login/code", {"code": wrong})
    assert response.status_code == 400
    assert "That code is not valid" in response.content.decode()
    assert client.get("/orders").status_code == 302  # still signed out


def test_resend_inside_the_cool_down_keeps_the_first_code(client, settings, ask_code):
    settings.OTP_RESEND_SECONDS = 30
    ask_code(client, {"phone": "9876543214"}, "/login")
    response = ask_code(client, {"phone": "9876543214"}, "/login")
    assert response.status_code == 302 and response["Location"] == "/login/code"
    assert len([m for m in sms.outbox if m["to"] == "+919876543214"]) == 1
    page = client.get("/login/code").content.decode()
    assert "We sent a code moments ago" in page
    wait = int(re.search(r'data-cooldown-seconds="(\d+)"', page).group(1))
    assert 1 <= wait <= 30


def test_sign_in_page_shares_the_api_rate_limit_per_phone(client, settings, ask_code):
    settings.OTP_RESEND_SECONDS = 0
    settings.RATE_LIMIT_OTP_PHONE = "2/m"
    assert ask_code(client, {"phone": "9876543215"}, "/login").status_code == 302
    assert ask_code(client, {"phone": "9876543215"}, "/login").status_code == 302
    response = ask_code(client, {"phone": "9876543215"}, "/login")
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()


def test_the_page_and_the_api_share_one_per_phone_counter_whatever_the_spelling(client, settings, ask_code):
    """The counter is keyed on the normalised phone: three spellings of one number are one phone."""
    from rest_framework.test import APIClient

    settings.OTP_RESEND_SECONDS = 0
    settings.RATE_LIMIT_OTP_PHONE = "2/m"
    settings.RATE_LIMIT_OTP_IP = "100/m"
    api = APIClient()
    first = api.post("/api/v1/auth/otp/request", {"phone": "+919876543215"}, format="json")
    assert first.status_code == 202, first.content
    assert ask_code(client, {"phone": "098765 43215"}, "/login").status_code == 302
    response = ask_code(Client(), {"phone": "98765-43215"}, "/login")
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    refused = api.post("/api/v1/auth/otp/request", {"phone": "9876543215"}, format="json")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "rate_limited"


def test_code_page_without_a_phone_goes_back_to_step_one(client):
    assert client.get("/login/code")["Location"] == "/login"


def test_sign_out_ends_the_session(student_client):
    assert student_client.get("/logout").status_code == 405
    response = student_client.post("/logout")
    assert response.status_code == 302 and response["Location"] == "/"
    assert student_client.get("/orders").status_code == 302


# --- blocked, vendors, staff ---------------------------------------------------------------------


def test_blocked_student_cannot_sign_in(client, ask_code):
    blocked = StudentFactory(phone="+919876500001")
    account_services.user_block(user=blocked, by=StaffFactory(is_superuser=True))
    ask_code(client, {"phone": "9876500001"}, "/login")
    response = client.post("/login/code", {"code": _code_from_sms("+919876500001")})
    assert response.status_code == 403
    assert "Your account is blocked" in response.content.decode()
    assert client.get("/orders").status_code == 302


def test_blocked_students_open_session_is_signed_out_with_a_message(student_client, student):
    assert student_client.get("/orders").status_code == 200
    account_services.user_block(user=student, by=StaffFactory(is_superuser=True))
    response = student_client.get("/orders")
    assert response.status_code == 403
    assert "You have been signed out" in response.content.decode()
    # Signed out for good: the next page is an ordinary signed-out visit.
    assert student_client.get("/orders").status_code == 302
    assert student_client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("factory", "target"),
    [(FoodVendorFactory, "/dashboard/"), (StationeryVendorFactory, "/dashboard/"), (StaffFactory, "/admin/")],
)
@pytest.mark.parametrize("path", ["/orders", "/print-jobs"])
def test_vendors_and_staff_are_pointed_elsewhere(client, factory, target, path):
    client.force_login(factory())
    response = client.get(path)
    assert response.status_code == 403
    assert f'href="{target}"' in response.content.decode()


def test_vendor_sees_menus_but_cannot_order(client, campus):
    client.force_login(campus.canteen.vendor)
    page = client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()
    assert 'href="/dashboard/"' in page
    assert "data-cart-submit" not in page and "data-pay-now" not in page
    response = client.post(
        f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.dosa.pk}": 1, "slot": campus.lunch.pk}
    )
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_vendor_signing_in_on_the_pages_lands_on_the_dashboard(client, ask_code):
    vendor = FoodVendorFactory(phone="+919876500002")
    ask_code(client, {"phone": "9876500002"}, "/login")
    response = client.post("/login/code", {"code": _code_from_sms("+919876500002")})
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(vendor.pk)


def test_anonymous_student_pages_redirect_to_sign_in(client):
    for path in ["/orders", "/orders/1", "/print-jobs"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login?next=")


# --- registering a shop ------------------------------------------------------------------------


def _register_code_step(client, ask_code, phone: str, raw_phone: str):
    """Step 1 of registering: the shop's phone; answers the code from the SMS."""
    response = ask_code(client, {"phone": raw_phone}, "/register-shop")
    assert response.status_code == 302 and response["Location"] == "/register-shop/code"
    return _code_from_sms(phone)


def test_sign_in_page_links_to_registering_a_shop(client):
    html = client.get("/login").content.decode()
    assert 'href="/register-shop"' in html and "Register your shop" in html
    response = client.get("/register-shop")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Register your shop · Tap N Take</title>" in html
    assert '<label for="id_phone">Shop\'s mobile number</label>' in html
    assert 'action="/register-shop"' in html and 'href="/login"' in html


def test_registering_a_shop_signs_in_an_unapproved_vendor_with_its_shop(client, ask_code):
    code = _register_code_step(client, ask_code, "+919876600001", "98766 00001")

    page = client.get("/register-shop/code")
    assert page.status_code == 200
    html = page.content.decode()
    assert "+919876600001" in html
    for label in (
        'for="id_code"',
        'for="id_shop_name"',
        'for="id_vendor_type_food"',
        'for="id_vendor_type_stationery"',
    ):
        assert label in html
    assert 'action="/register-shop/code"' in html
    assert 'data-cooldown-seconds="' in html

    response = client.post(
        "/register-shop/code",
        {"code": code, "shop_name": "  Library Xerox  ", "vendor_type": "stationery", "name": "Gopal"},
    )
    assert response.status_code == 302 and response["Location"] == "/dashboard/"

    vendor = User.objects.get(phone="+919876600001")
    assert (vendor.role, vendor.vendor_type, vendor.is_approved, vendor.name) == (
        "vendor",
        "stationery",
        False,
        "Gopal",
    )
    shop = Shop.objects.get(vendor=vendor)
    assert (shop.name, shop.vendor_type) == ("Library Xerox", "stationery")
    assert AccountEvent.objects.filter(user=vendor, kind=AccountEvent.Kind.SIGNED_UP).count() == 1
    assert client.session["_auth_user_id"] == str(vendor.pk)

    dashboard = client.get("/dashboard/")
    assert dashboard.status_code == 200
    assert "Your shop is waiting for approval" in dashboard.content.decode()
    assert "Library Xerox" in dashboard.content.decode()
    # Not listed to students until staff approve it.
    assert "Library Xerox" not in Client().get("/print").content.decode()


def test_register_shop_errors_are_plain_words_and_keep_the_code(client, ask_code):
    response = ask_code(client, {"phone": "12345"}, "/register-shop")
    assert response.status_code == 400
    assert "Enter an Indian mobile number" in response.content.decode()

    code = _register_code_step(client, ask_code, "+919876600002", "9876600002")
    response = client.post("/register-shop/code", {"code": code, "shop_name": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter your shop&#x27;s name." in html
    assert "Choose what your shop sells: food or stationery." in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html

    response = client.post("/register-shop/code", {"code": code, "shop_name": "Books", "vendor_type": "books"})
    assert response.status_code == 400
    assert "Choose what your shop sells: food or stationery." in response.content.decode()
    assert 'value="Books"' in response.content.decode()  # what was typed stays

    response = client.post("/register-shop/code", {"code": code, "shop_name": "x" * 121, "vendor_type": "food"})
    assert response.status_code == 400
    assert "Keep the shop&#x27;s name to 120 characters." in response.content.decode()

    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/register-shop/code", {"code": wrong, "shop_name": "Juice Bar", "vendor_type": "food"})
    assert response.status_code == 400
    assert "That code is not valid" in response.content.decode()
    assert not User.objects.filter(phone="+919876600002").exists()

    # None of those used the code up.
    response = client.post("/register-shop/code", {"code": code, "shop_name": "Juice Bar", "vendor_type": "food"})
    assert response["Location"] == "/dashboard/"
    assert Shop.objects.get(vendor__phone="+919876600002").vendor_type == "food"


def test_student_phone_registering_a_shop_signs_in_as_the_student(client, ask_code):
    student = StudentFactory(phone="+919876600003", name="Asha")
    code = _register_code_step(client, ask_code, "+919876600003", "9876600003")
    response = client.post("/register-shop/code", {"code": code, "shop_name": "Asha's Snacks", "vendor_type": "food"})
    assert response.status_code == 302 and response["Location"] == "/"

    student.refresh_from_db()
    assert (student.role, student.vendor_type) == ("student", None)
    assert not Shop.objects.filter(vendor_id=student.pk).exists()
    assert client.session["_auth_user_id"] == str(student.pk)
    home = client.get("/").content.decode()
    assert "This number already has a student account, so no shop was registered" in home
    assert client.get("/orders").status_code == 200


def test_vendor_phone_registering_again_keeps_its_shop(client, ask_code):
    vendor = FoodVendorFactory(phone="+919876600004")
    code = _register_code_step(client, ask_code, "+919876600004", "9876600004")
    response = client.post("/register-shop/code", {"code": code, "shop_name": "Second", "vendor_type": "stationery"})
    assert response["Location"] == "/dashboard/"
    vendor.refresh_from_db()
    assert vendor.vendor_type == "food"
    assert not Shop.objects.filter(name="Second").exists()
    assert User.objects.filter(phone="+919876600004").count() == 1


def test_blocked_phone_cannot_register_a_shop(client, ask_code):
    blocked = StudentFactory(phone="+919876600005")
    account_services.user_block(user=blocked, by=StaffFactory(is_superuser=True))
    code = _register_code_step(client, ask_code, "+919876600005", "9876600005")
    response = client.post("/register-shop/code", {"code": code, "shop_name": "Sneaky", "vendor_type": "food"})
    assert response.status_code == 403
    assert "This account is blocked. Contact campus staff." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not Shop.objects.filter(name="Sneaky").exists()
    blocked.refresh_from_db()
    assert blocked.role == "student" and not blocked.is_active


def test_register_shop_shares_the_sign_in_rate_limits(client, settings, ask_code):
    settings.OTP_RESEND_SECONDS = 0
    settings.RATE_LIMIT_OTP_PHONE = "2/m"
    assert ask_code(client, {"phone": "9876600006"}, "/login").status_code == 302
    assert ask_code(client, {"phone": "9876600006"}, "/register-shop").status_code == 302
    response = ask_code(client, {"phone": "9876600006"}, "/register-shop")
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()
    assert ask_code(client, {"phone": "9876600006"}, "/login").status_code == 429


def test_register_shop_shares_the_sign_in_limit_per_address(client, settings, ask_code):
    settings.OTP_RESEND_SECONDS = 0
    settings.RATE_LIMIT_OTP_IP = "2/m"
    assert ask_code(client, {"phone": "9876600007"}, "/login").status_code == 302
    assert ask_code(client, {"phone": "9876600008"}, "/register-shop").status_code == 302
    response = ask_code(client, {"phone": "9876600009"}, "/register-shop")
    assert response.status_code == 429
    assert "Too many tries" in response.content.decode()


def test_register_shop_keeps_the_resend_cool_down(client, settings, ask_code):
    settings.OTP_RESEND_SECONDS = 30
    ask_code(client, {"phone": "9876600010"}, "/login")
    response = ask_code(client, {"phone": "9876600010"}, "/register-shop")
    assert response.status_code == 302 and response["Location"] == "/register-shop/code"
    assert len([m for m in sms.outbox if m["to"] == "+919876600010"]) == 1
    page = client.get("/register-shop/code").content.decode()
    assert "We sent a code moments ago" in page
    assert 1 <= int(re.search(r'data-cooldown-seconds="(\d+)"', page).group(1)) <= 30
    # "Send a new code" and "Use a different number" stay on the register path.
    assert '<form method="post" action="/register-shop" class="actions">' in page
    assert 'href="/register-shop?change=1"' in page


def test_register_code_step_without_a_phone_goes_back_to_step_one(client):
    assert client.get("/register-shop/code")["Location"] == "/register-shop"


def test_signed_in_student_opening_register_shop_is_told_to_sign_out_first(student_client):
    response = student_client.get("/register-shop")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "sign out first and use the shop&#x27;s own phone number" in student_client.get("/").content.decode()


# --- menu, cart and placing an order ----------------------------------------------------------------


def test_menu_shows_items_slots_with_places_left_and_a_cart(client, campus):
    response = client.get(f"/vendors/{campus.canteen.vendor_id}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Main Canteen menu · Tap N Take</title>" in html
    assert "Masala Dosa" in html and "₹60" in html
    assert f'id="qty-{campus.dosa.pk}"' in html and f'<label class="visually-hidden" for="qty-{campus.dosa.pk}"' in html
    assert f'value="{campus.lunch.pk}"' in html and "5 places left" in html
    assert "Sign in to order" in html


def test_full_slot_is_not_offered(client, campus, student):
    full = factories.slot(campus.canteen, capacity=1, starts_in=timedelta(hours=3))
    factories.fill(full)
    html = client.get(f"/vendors/{campus.canteen.vendor_id}").content.decode()
    assert f'name="slot" id="slot-{full.pk}"' not in html
    assert 'data-testid="full-slot"' in html and "Full" in html
    assert f'id="slot-{campus.lunch.pk}"' in html


def test_menu_of_closed_shop_or_stationery_or_unknown(client, campus):
    html = client.get(f"/vendors/{campus.closed_cafe.vendor_id}").content.decode()
    assert "closed right now" in html and "data-cart-submit" not in html
    assert client.get(f"/vendors/{campus.xerox.vendor_id}").status_code == 404
    assert client.get("/vendors/999999").status_code == 404


def test_placing_an_order_goes_to_its_page(student_client, student, campus):
    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}",
        {f"qty_{campus.dosa.pk}": "2", f"qty_{campus.chai.pk}": "1", "slot": campus.lunch.pk, "note": "less oil"},
    )
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}"
    assert order.student == student and order.total_paise == 2 * 6000 + 1500 and order.note == "less oil"
    campus.lunch.refresh_from_db()
    assert campus.lunch.reserved == 1


def test_order_into_a_slot_that_filled_keeps_the_cart(student_client, campus):
    factories.fill(campus.lunch)
    before = Order.objects.count()
    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.dosa.pk}": "2", "slot": campus.lunch.pk}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "That pickup time has just filled up" in html
    assert re.search(rf'id="qty-{campus.dosa.pk}" name="qty_{campus.dosa.pk}" value="2"', html)
    assert 'data-restore="false"' in html
    assert Order.objects.count() == before


def test_empty_cart_and_missing_slot_are_explained(student_client, campus):
    response = student_client.post(f"/vendors/{campus.canteen.vendor_id}", {"slot": campus.lunch.pk})
    assert response.status_code == 400 and "Your cart is empty" in response.content.decode()
    response = student_client.post(f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.dosa.pk}": "1"})
    assert response.status_code == 400 and "Choose a pickup time" in response.content.decode()
    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.dosa.pk}": "21", "slot": campus.lunch.pk}
    )
    assert response.status_code == 400 and "between 1 and 20" in response.content.decode()
    assert not Order.objects.exists()


def test_item_that_became_unavailable_is_named(student_client, campus):
    from catalog import services as catalog_services

    catalog_services.menu_item_update(vendor=campus.canteen.vendor, item_id=campus.chai.pk, is_available=False)
    response = student_client.post(
        f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.chai.pk}": "1", "slot": campus.lunch.pk}
    )
    # The item is off the menu now, so the form no longer knows it: the cart is empty.
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_anonymous_order_post_goes_to_sign_in(client, campus):
    response = client.post(
        f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.dosa.pk}": "1", "slot": campus.lunch.pk}
    )
    assert response.status_code == 302 and response["Location"].startswith("/login?next=")


# --- my orders and the order page ---------------------------------------------------------------------


def test_my_orders_lists_only_mine(student_client, student, campus):
    mine = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    theirs = factories.order(student=StudentFactory(), slot=campus.lunch, items=[(campus.chai, 1)])
    response = student_client.get("/orders")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/orders/{mine.pk}"' in html and f'href="/orders/{theirs.pk}"' not in html
    assert "Not paid yet" in html


def test_unpaid_order_page_offers_pay_now_and_cancel(student_client, student, campus):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 2)])
    response = student_client.get(f"/orders/{order.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<title>Order #{order.pk} · Tap N Take</title>" in html
    assert f'data-pay-url="/api/v1/orders/{order.pk}/pay"' in html and "Pay ₹120 now" in html
    assert "Cancel this order" in html
    assert 'data-testid="pickup-code"' not in html
    assert f'data-poll-url="/api/v1/orders/{order.pk}"' in html
    assert "Order placed" in html


def test_paid_order_shows_pickup_code_digits_and_qr(student_client, student, campus):
    order = _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)]))
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert re.search(rf'data-testid="pickup-code"[^>]*>{order.pickup_code}<', html)
    assert "<svg" in html and 'aria-label="QR code of your pickup code"' in html
    assert "data-pay-url" not in html
    assert "Order placed" in html and "Paid" in html


def test_other_students_order_is_404(student_client, campus):
    other = factories.order(student=StudentFactory(), slot=campus.lunch, items=[(campus.dosa, 1)])
    assert student_client.get(f"/orders/{other.pk}").status_code == 404
    assert student_client.post(f"/orders/{other.pk}/cancel").status_code == 404
    other.refresh_from_db()
    assert other.status == Order.Status.PENDING_PAYMENT


def test_cancel_while_allowed_then_not(student_client, student, campus):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    response = student_client.post(f"/orders/{order.pk}/cancel")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert "Cancel this order" not in html and "data-poll-url" not in html and "Cancelled" in html

    accepted = _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)]))
    ordering_services.order_accept(order_id=accepted.pk, vendor=campus.canteen.vendor)
    assert "Cancel this order" not in student_client.get(f"/orders/{accepted.pk}").content.decode()
    response = student_client.post(f"/orders/{accepted.pk}/cancel", follow=True)
    assert "can&#x27;t be done any more" in response.content.decode()
    accepted.refresh_from_db()
    assert accepted.status == Order.Status.ACCEPTED


def test_completed_order_shows_completed(student_client, student, campus):
    order = _paid(factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)]))
    vendor = campus.canteen.vendor
    ordering_services.order_accept(order_id=order.pk, vendor=vendor)
    ordering_services.order_mark_ready(order_id=order.pk, vendor=vendor)
    ordering_services.order_complete(order_id=order.pk, vendor=vendor, pickup_code=order.pickup_code)
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert "Collected" in html and 'data-testid="pickup-code"' not in html


# --- printing ----------------------------------------------------------------------------------------


def _pdf(pages: int = 3, name: str = "notes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, factories.pdf_bytes(pages), content_type="application/pdf")


def test_print_shops_and_form(client, student_client, campus):
    assert "Library Xerox" in client.get("/print").content.decode()
    html = student_client.get(f"/print/{campus.xerox.vendor_id}").content.decode()
    assert "<title>Print at Library Xerox · Tap N Take</title>" in html
    assert 'for="id_file"' in html and 'for="id_copies"' in html and "Double-sided" in html
    assert 'data-estimate-url="/api/v1/print-jobs/estimate"' in html
    assert client.get(f"/print/{campus.canteen.vendor_id}").status_code == 404


def test_print_estimate_before_sending(student_client, campus):
    url = f"/print/{campus.xerox.vendor_id}"
    response = student_client.post(
        url, {"service": campus.bw.pk, "file": _pdf(3), "copies": "2", "double_sided": "true", "action": "estimate"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Estimate: <strong>₹12</strong> for 3 of 3 pages" in html and "double-sided" in html
    assert "4 sheets of A4" in html
    assert not PrintJob.objects.exists()

    response = student_client.post(
        "/api/v1/print-jobs/estimate",
        {"service": campus.bw.pk, "file": _pdf(4), "copies": "1", "double_sided": "false"},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["pages"], body["copies"], body["double_sided"], body["estimated_paise"]) == (4, 1, False, 800)
    assert not PrintJob.objects.exists()


def test_print_estimate_refuses_what_is_not_a_pdf(student_client, campus):
    url = "/api/v1/print-jobs/estimate"
    fake = SimpleUploadedFile("notes.pdf", b"just text\n" * 50, content_type="application/pdf")
    response = student_client.post(url, {"service": campus.bw.pk, "file": fake, "copies": "1"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_file"
    assert "not a PDF" in response.json()["error"]["message"]
    anonymous = Client()
    assert anonymous.post(url, {"service": campus.bw.pk, "file": _pdf(), "copies": "1"}).status_code == 401


def test_print_estimate_refuses_a_closed_shop_like_sending_does(student_client, campus):
    campus.xerox.is_open = False
    campus.xerox.save(update_fields=["is_open"])
    url = "/api/v1/print-jobs/estimate"
    response = student_client.post(url, {"service": campus.bw.pk, "file": _pdf(2), "copies": "1"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "shop_closed"
    assert not PrintJob.objects.exists()


def test_sending_a_print_job(student_client, student, campus):
    response = student_client.post(
        f"/print/{campus.xerox.vendor_id}",
        {"service": campus.bw.pk, "file": _pdf(5), "copies": "1", "double_sided": "false", "action": "send"},
    )
    assert response.status_code == 302 and response["Location"] == "/print-jobs"
    job = PrintJob.objects.get()
    assert job.student == student and job.pages == 5 and job.estimated_paise == 1000


def test_sending_a_print_job_with_a_range_and_four_pages_per_side(student_client, student, campus):
    response = student_client.post(
        f"/print/{campus.xerox.vendor_id}",
        {
            "service": campus.bw.pk,
            "file": _pdf(9),
            "copies": "1",
            "double_sided": "true",
            "page_range": "2-7",
            "pages_per_sheet": "4",
            "action": "send",
        },
    )
    assert response.status_code == 302
    job = PrintJob.objects.get()
    assert (job.page_range, job.pages_selected, job.pages_per_sheet, job.sheets) == ("2-7", 6, 4, 1)
    assert job.estimated_paise == 6 * campus.bw.price_paise
    html = student_client.get("/print-jobs").content.decode()
    assert "Pages 2-7 · 1 sheet of A4 · 4 pages per side" in html and "analysis-pending" not in html


def test_a_job_still_being_read_shows_its_progress(student_client, student, campus):
    from stationery.tests.factories import PrintJobFactory

    PrintJobFactory(student=student, service=campus.bw, analysis="pending")
    html = student_client.get("/print-jobs").content.decode()
    assert 'data-testid="analysis-pending"' in html and "<progress" in html
    assert 'data-poll-analysis="pending"' in html


def test_a_bad_page_range_on_the_print_page_is_said_in_plain_words(student_client, campus):
    response = student_client.post(
        f"/print/{campus.xerox.vendor_id}",
        {"service": campus.bw.pk, "file": _pdf(3), "copies": "1", "page_range": "2-9", "action": "send"},
    )
    assert response.status_code == 400 and "past the end" in response.content.decode()
    assert not PrintJob.objects.exists()


def test_print_errors_in_plain_words(student_client, campus, settings):
    url = f"/print/{campus.xerox.vendor_id}"
    fake = SimpleUploadedFile("notes.pdf", b"just text\n" * 50, content_type="application/pdf")
    response = student_client.post(url, {"service": campus.bw.pk, "file": fake, "copies": "1", "action": "send"})
    assert response.status_code == 400 and "not a printable PDF" in response.content.decode()
    response = student_client.post(url, {"service": campus.bw.pk, "file": _pdf(), "copies": "0", "action": "send"})
    assert response.status_code == 400
    response = student_client.post(url, {"service": 999999, "file": _pdf(), "copies": "1", "action": "send"})
    assert response.status_code == 400 and "this shop" in response.content.decode()
    settings.PRINT_MAX_UPLOAD_MB = 0
    response = student_client.post(url, {"service": campus.bw.pk, "file": _pdf(), "copies": "1", "action": "send"})
    assert response.status_code == 413 and "at most 0 MB" in response.content.decode()
    assert not PrintJob.objects.exists()


def test_print_jobs_offer_pay_when_ready(student_client, student, campus):
    job = stationery_services.print_job_submit(student=student, service_id=campus.bw.pk, upload=_pdf(2))
    other = stationery_services.print_job_submit(student=StudentFactory(), service_id=campus.bw.pk, upload=_pdf(2))
    html = student_client.get("/print-jobs").content.decode()
    assert f"Print #{job.pk}" in html and f"Print #{other.pk}" not in html
    assert "data-pay-url" not in html

    vendor = campus.xerox.vendor
    stationery_services.print_job_accept(vendor=vendor, job_id=job.pk)
    stationery_services.print_job_mark_ready(
        vendor=vendor, job_id=job.pk, amount_paise=450, reason="Stapled, as asked in the note"
    )
    html = student_client.get("/print-jobs").content.decode()
    # The reason sits beside the estimate, and so far above it the student may still cancel.
    assert "Why more than the estimate: Stapled, as asked in the note" in html
    assert f"Cancel print #{job.pk}" in html
    assert f'data-pay-url="/api/v1/print-jobs/{job.pk}/pay"' in html and "Pay ₹4.50 now" in html


def test_print_job_cancel_is_scoped(student_client, student, campus):
    mine = stationery_services.print_job_submit(student=student, service_id=campus.bw.pk, upload=_pdf(1))
    other = stationery_services.print_job_submit(student=StudentFactory(), service_id=campus.bw.pk, upload=_pdf(1))
    assert student_client.post(f"/print-jobs/{other.pk}/cancel").status_code == 404
    assert student_client.post(f"/print-jobs/{mine.pk}/cancel").status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == PrintJob.Status.CANCELLED and other.status == PrintJob.Status.SUBMITTED


def test_pages_carry_the_csrf_token_for_the_page_scripts(student_client, student, campus):
    order = factories.order(student=student, slot=campus.lunch, items=[(campus.dosa, 1)])
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert re.search(r'<meta name="csrf-token" content="[A-Za-z0-9]{32,}">', html)


def test_forms_refuse_posts_without_csrf(student, campus):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    response = client.post(
        f"/vendors/{campus.canteen.vendor_id}", {f"qty_{campus.dosa.pk}": "1", "slot": campus.lunch.pk}
    )
    assert response.status_code == 403
    response = client.post(
        f"/print/{campus.xerox.vendor_id}", {"service": campus.bw.pk, "file": _pdf(), "copies": "1", "action": "send"}
    )
    assert response.status_code == 403
    assert not Order.objects.exists() and not PrintJob.objects.exists()


# --- the checkout's redirect fallback ----------------------------------------------------------------


def test_pay_return_needs_the_payer_signed_in(client):
    response = client.post("/pay/return?next=/orders/1", {"razorpay_order_id": "order_X"})
    assert response.status_code == 302 and response["Location"].startswith("/login?next=")


def test_pay_return_reports_a_failed_or_unknown_payment_in_plain_words(student_client):
    response = student_client.post(
        "/pay/return?next=/print-jobs", {"error[description]": "Your bank declined the payment."}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/print-jobs"
    assert "Your bank declined the payment. Nothing was charged" in response.content.decode()

    fields = {"razorpay_order_id": "order_NOPE", "razorpay_payment_id": "pay_NOPE", "razorpay_signature": "00"}
    response = student_client.post("/pay/return?next=https://evil.example/", fields, follow=True)
    assert response.redirect_chain[-1][0] == "/orders"
    assert "No such payment." in response.content.decode()


def test_order_page_shows_each_refund_with_its_own_state(student_client, student):
    from ordering.services import order_cancel
    from payments.models import Refund
    from tests.fixtures import food_vendor, menu_item, paid_order, slot

    vendor = food_vendor(name="Refund Canteen")
    order, payment = paid_order(student, slot(vendor), [menu_item(vendor, name="Vada", price_paise=4000)])
    order_cancel(order_id=order.pk, student=student)
    refund = Refund.objects.get(payment=payment)

    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert 'data-refund-status="pending"' in html and "on its way" in html
    assert "being refunded" not in html

    Refund.objects.filter(pk=refund.pk).update(status="processed", razorpay_refund_id="rfnd_demo0000000001")
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert 'data-refund-status="processed"' in html and "₹40" in html and "processed" in html

    Refund.objects.filter(pk=refund.pk).update(status="failed")
    html = student_client.get(f"/orders/{order.pk}").content.decode()
    assert "delayed — the campus office is on it" in html
    assert "refunded <time" not in html
