"""The project's URLs plus MEDIA_URL served from MEDIA_ROOT, as ``DEBUG`` serves it (and as
a web server serves that directory in production): what a visitor can fetch by path."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import urlpatterns as project_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", media),
    *project_urlpatterns,
]
