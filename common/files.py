"""Private files: where uploads that name people live, and who may read them.

Registry sheets (owners' ID numbers and phones), nomination papers, archives, evidence and
ballots are kept in the ``private`` storage (``PRIVATE_ROOT``), which is outside
``MEDIA_ROOT`` and has no URL: no web server route and no ``MEDIA_URL`` can reach them.
They are read only through a view that checks the record that links them. Images of
public things (compound photos, Wagtail images) stay in the public media storage.

Wagtail documents are used only for such papers. Wagtail's document model keeps its files
in the default storage under ``documents/``; :class:`MediaStorage` (the default storage)
keeps that directory in the private storage instead, documents are streamed by Wagtail's
serve view (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``), and
:func:`document_serve_check` (a ``before_serve_document`` hook) refuses anyone whose
jurisdiction does not cover a record that links the document.

A new kind of private paper (evidence, ballots) is a foreign key to the document model on
a model with jurisdiction (``jurisdiction_fields``): :func:`document_links` finds it, and
its papers are read only by holders of that model's view permission in its jurisdiction.
"""

from __future__ import annotations

import os
import posixpath
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.documents import get_document_model

from .jurisdiction import VIEW, jurisdiction_of, scope_queryset

# Directories of the default storage that hold private files (Wagtail's documents).
PRIVATE_MEDIA_DIRECTORIES = ("documents",)


def private_storage() -> FileSystemStorage:
    """The storage of private uploads (``STORAGES["private"]``); a callable, so a model
    field's migration does not record the location."""
    return storages["private"]


class PrivateStorage(FileSystemStorage):
    """Files with no public URL, under ``PRIVATE_ROOT`` unless given a location: read them
    through a view that checks their record. ``PRIVATE_ROOT`` is read at each use, so a
    changed setting (tests) takes effect at once."""

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location, **kwargs)
        self.given_location = location

    @property
    def base_location(self):
        return settings.PRIVATE_ROOT if self.given_location is None else self.given_location

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # ClearableFileInput asks every file for a URL; there is none to give.
        return None


def _is_private_name(name: str) -> bool:
    normal = posixpath.normpath(str(name).replace("\\", "/")).lstrip("/")
    top = normal.split("/", 1)[0]
    return top in PRIVATE_MEDIA_DIRECTORIES


class MediaStorage(FileSystemStorage):
    """The default storage: public media under ``MEDIA_ROOT``, except the directories of
    private files (Wagtail's ``documents/``), whose every operation goes to the private
    storage instead."""

    def _private(self, name) -> FileSystemStorage | None:
        return private_storage() if _is_private_name(name) else None

    def _open(self, name, mode="rb"):
        private = self._private(name)
        return private.open(name, mode) if private else super()._open(name, mode)

    def _save(self, name, content):
        private = self._private(name)
        return private.save(name, content) if private else super()._save(name, content)

    def delete(self, name):
        private = self._private(name)
        return private.delete(name) if private else super().delete(name)

    def exists(self, name):
        private = self._private(name)
        return private.exists(name) if private else super().exists(name)

    def listdir(self, path):
        private = self._private(path)
        return private.listdir(path) if private else super().listdir(path)

    def path(self, name):
        private = self._private(name)
        return private.path(name) if private else super().path(name)

    def size(self, name):
        private = self._private(name)
        return private.size(name) if private else super().size(name)

    def url(self, name):
        private = self._private(name)
        return private.url(name) if private else super().url(name)

    def get_accessed_time(self, name):
        private = self._private(name)
        return private.get_accessed_time(name) if private else super().get_accessed_time(name)

    def get_created_time(self, name):
        private = self._private(name)
        return private.get_created_time(name) if private else super().get_created_time(name)

    def get_modified_time(self, name):
        private = self._private(name)
        return private.get_modified_time(name) if private else super().get_modified_time(name)


# Who may read a Wagtail document ------------------------------------------------------


@cache
def document_links() -> tuple[tuple[type[Model], str], ...]:
    """Every (model, field) that links a document: the records a document belongs to."""
    document_model = get_document_model()
    links = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is document_model:
                links.append((model, field.name))
    return tuple(links)


def _has_jurisdiction(model: type[Model]) -> bool:
    return hasattr(model, "jurisdiction_q") or hasattr(model, "jurisdiction_fields")


def documents_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Documents the user may read: those linked from a record the user may view (the
    role's view permission on its model, and the record in the user's jurisdiction), and
    the user's own uploads not yet linked from any record. Platform administrators read
    all; anonymous visitors none."""
    document_model = get_document_model()
    documents = document_model.objects.all() if queryset is None else queryset
    if user is None or not user.is_authenticated or not user.is_active:
        return documents.none()
    if jurisdiction_of(user, VIEW).everything:
        return documents
    readable = Q(pk__in=[])
    linked = Q(pk__in=[])
    for model, field in document_links():
        links = model._default_manager.filter(**{f"{field}__isnull": False})
        linked |= Q(pk__in=links.values(field))
        perm = f"{model._meta.app_label}.view_{model._meta.model_name}"
        if _has_jurisdiction(model) and user.has_perm(perm):
            readable |= Q(pk__in=scope_queryset(links, user, VIEW).values(field))
    readable |= Q(uploaded_by_user=user) & ~linked
    return documents.filter(readable)


def document_visible(user, document) -> bool:
    return documents_visible_to(user).filter(pk=document.pk).exists()


def document_serve_check(document, request):
    """``before_serve_document``: a document is streamed only to a reader it is visible
    to; anyone else gets the same 404 as for a document that does not exist."""
    if not document_visible(request.user, document):
        raise Http404


def document_serve(request: HttpRequest, document_id: str, document_filename: str) -> HttpResponse:
    """Wagtail's document serve view (its ``before_serve_document`` hooks included), its
    answer marked for this reader only: a proxy or CDN in between never keeps a paper for
    the next visitor. Routed at Wagtail's own address in ``config.urls``."""
    # Here, not at the top: estates.models imports this module while models load.
    from wagtail.documents.views.serve import serve

    response = serve(request, document_id, document_filename)
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ("Cookie",))
    return response
