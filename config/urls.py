from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.site_admin import site_admin_overrides
from cms.views import bench_bare, language_switch
from common.documents import document_admin_overrides
from common.exports import stock_report_export_overrides
from common.files import document_serve
from common.history import stock_report_overrides
from common.images import account_overrides
from config.api import api
from disclosures.votes.public_views import ballot_check

urlpatterns = [
    # Before the admin: Wagtail's unscoped site history report gives way to common.history's.
    *stock_report_overrides("admin/"),
    # Before the admin: its account page with an avatar form that keeps the pixel limit.
    *account_overrides("admin/"),
    # Before the admin: its page reports with CSV cells a spreadsheet cannot run.
    *stock_report_export_overrides("admin/"),
    # Before the admin: its pages about one document answer 404 for a paper not readable.
    *document_admin_overrides("admin/"),
    # Before the admin: its site listing with the columns named in Chinese.
    *site_admin_overrides("admin/"),
    path("admin/", include(wagtailadmin_urls)),
    # Before Wagtail's: private papers are served marked for their reader only.
    re_path(r"^documents/(\d+)/(.*)$", document_serve, name="wagtaildocs_serve"),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("bench/bare/", bench_bare, name="bench_bare"),
    # Health, readiness and Prometheus metrics (common.ops.views).
    path("", include("common.ops.urls")),
    path("lang/<str:code>/", language_switch, name="portal_language"),
    path("votes/<int:vote_id>/check/", ballot_check, name="vote_ballot_check"),
    # Notices' feeds, PDFs and posters (their pages are Wagtail's, below).
    path("notices/", include("disclosures.notices.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
