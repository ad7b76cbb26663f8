from django.urls import path

from .views import healthz, metrics_view, readyz

urlpatterns = [
    path("healthz", healthz, name="ops_healthz"),
    path("readyz", readyz, name="ops_readyz"),
    path("metrics", metrics_view, name="ops_metrics"),
]
