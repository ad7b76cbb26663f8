"""Public addresses of the notices beside their Wagtail pages: a compound's notice board
by the compound's id, the Atom feeds, a notice's PDF and a compound's notice-board poster."""

from django.urls import path

from .feeds import CompoundNoticeFeed, RegionNoticeFeed
from .pdf_views import notice_pdf_view, poster_pdf_view
from .views import notice_board_redirect

urlpatterns = [
    path("compound/<int:pk>/", notice_board_redirect, name="notices_compound_board"),
    path("compound/<int:pk>/feed/", CompoundNoticeFeed(), name="notices_feed_compound"),
    path("region/<str:code>/feed/", RegionNoticeFeed(), name="notices_feed_region"),
    path("compound/<int:pk>/poster.pdf", poster_pdf_view, name="notices_poster_pdf"),
    path("<int:pk>/notice.pdf", notice_pdf_view, name="notices_notice_pdf"),
]
