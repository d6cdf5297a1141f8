from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.login_phone, name="login"),
    path("login/code", views.login_code, name="login-code"),
    path("register-shop", views.register_shop, name="register-shop"),
    path("register-shop/code", views.register_shop_code, name="register-shop-code"),
    path("logout", views.logout_view, name="logout"),
    path("vendors/<int:vendor_id>", views.menu, name="menu"),
    path("orders", views.orders, name="orders"),
    path("orders/<int:order_id>", views.order_detail, name="order"),
    path("orders/<int:order_id>/cancel", views.order_cancel, name="order-cancel"),
    path("print", views.print_shops, name="print-shops"),
    path("print/<int:vendor_id>", views.print_form, name="print-form"),
    path("print/<int:vendor_id>/estimate", views.print_estimate, name="print-estimate"),
    path("print-jobs", views.print_jobs, name="print-jobs"),
    path("print-jobs/<int:job_id>/cancel", views.print_job_cancel, name="print-job-cancel"),
    path("pay/return", views.pay_return, name="pay-return"),
]
