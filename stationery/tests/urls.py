"""Only the stationery routes, for checking their OpenAPI schema in isolation."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("stationery.urls"))]
