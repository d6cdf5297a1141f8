from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import language_set
from campus import status
from catalog.media import menu_photo
from core import health, metrics

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("", include("accounts.urls")),
    path("", include("catalog.urls")),
    path("", include("ledger.urls")),
    path("", include("events.urls")),
    path("", include("push.urls")),
    path("", include("payments.urls")),
    path("", include("ordering.urls")),
    path("", include("stationery.urls")),
    path("", include("dashboard.api_urls")),
]
if apps.is_installed("razorpay_sandbox"):
    # The development stand-in for Razorpay (RAZORPAY_SANDBOX_INSTALLED); 404 while the sandbox is off.
    api_v1.append(path("sandbox/razorpay/", include("razorpay_sandbox.urls")))

urlpatterns = [
    # Issue 26: the on-call status page (before the admin's own URLs) and the Prometheus endpoint.
    path("admin/status/", status.admin_status, name="admin_status"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("api/v1/", include(api_v1)),
    path("dashboard/", include("dashboard.urls")),
    # Issue 25: the switcher every page includes, and the dashboard scripts' catalogue (a script URL, CSP-safe).
    path("language", language_set, name="language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("pages.urls")),
]

# Menu photos (issue 19): public, served from their storage at MENU_IMAGE_URL's default.
urlpatterns.insert(0, path("media/menu/<str:name>", menu_photo, name="menu-photo"))

handler400 = "core.errors.handler400"
handler403 = "core.errors.handler403"
handler404 = "core.errors.handler404"
handler500 = "core.errors.handler500"
