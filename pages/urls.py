from django.urls import path

from .views import checkout, food, home, installable, menu_item, orders, printing, reorder, sign_in

app_name = "pages"

urlpatterns = [
    path("", home.home, name="home"),
    path("login", sign_in.login_phone, name="login"),
    path("login/code", sign_in.login_code, name="login-code"),
    path("register-shop", sign_in.register_shop, name="register-shop"),
    path("register-shop/code", sign_in.register_shop_code, name="register-shop-code"),
    path("logout", sign_in.logout_view, name="logout"),
    path("vendors/<int:vendor_id>", food.menu, name="menu"),
    path("vendors/<int:vendor_id>/items/<int:item_id>", menu_item.menu_item, name="menu-item"),
    path("orders", orders.orders, name="orders"),
    path("orders/<int:order_id>", orders.order_detail, name="order"),
    path("orders/<int:order_id>/cancel", orders.order_cancel, name="order-cancel"),
    path("orders/<int:order_id>/reorder", reorder.order_reorder, name="order-reorder"),
    path("orders/<int:order_id>/receipt", checkout.receipt, name="order-receipt"),
    path("print", printing.print_shops, name="print-shops"),
    path("print/<int:vendor_id>", printing.print_form, name="print-form"),
    path("print-jobs", printing.print_jobs, name="print-jobs"),
    path("print-jobs/<int:job_id>/cancel", printing.print_job_cancel, name="print-job-cancel"),
    path("pay/return", checkout.pay_return, name="pay-return"),
    # The installable app (issue 24): served at the root so the worker's scope is the whole site.
    path("manifest.webmanifest", installable.manifest, name="manifest"),
    path("sw.js", installable.service_worker, name="service-worker"),
    path("offline", installable.offline, name="offline"),
]
