from django.urls import path

from . import api

urlpatterns = [
    path("ledger/balance", api.BalanceView.as_view(), name="ledger-balance"),
    path("ledger/entries", api.EntryListView.as_view(), name="ledger-entries"),
    path("ledger/sales", api.DailySalesView.as_view(), name="ledger-sales"),
]
