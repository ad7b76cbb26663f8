"""Wagtail's documents as private papers: the permission policy of the document admin and
chooser, and the admin API's document listing, both narrowed to the documents the user may
read (``common.files.documents_visible_to``). Registered by
``committees.document_hooks``."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import re_path, resolve
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.models import Collection
from wagtail.permission_policies import OwnershipPermissionPolicy

from .files import document_visible, documents_visible_to


class PrivateDocumentPolicy(OwnershipPermissionPolicy):
    """Wagtail's document permissions from the role's model permissions
    (``wagtaildocs.add_document``, ``change_document``, ``choose_document``, kept by
    ``roles_sync``) rather than per-collection grants: Wagtail's ownership rules (an
    uploader may change their own documents) plus choosing, every collection or none, and
    every listing, chooser and edit view narrowed to the documents the user may read
    (:func:`documents_visible_to`). Built on the public methods of Wagtail's policy
    interface only."""

    def __init__(self):
        super().__init__(
            get_document_model(),
            auth_model="wagtaildocs.Document",
            owner_field_name="uploaded_by_user",
        )

    @staticmethod
    def _may_choose(user) -> bool:
        return user.is_active and (
            user.is_superuser or user.has_perm("wagtaildocs.choose_document")
        )

    def user_has_permission(self, user, action):
        if action == "choose":
            return self._may_choose(user)
        return super().user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        allowed = super().user_has_any_permission_for_instance(user, actions, instance) or (
            "choose" in actions and self._may_choose(user)
        )
        return allowed and document_visible(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if "choose" in actions and self._may_choose(user):
            documents = self.model._default_manager.all()
        else:
            documents = super().instances_user_has_any_permission_for(user, actions)
        return documents_visible_to(user, documents)

    def collections_user_has_any_permission_for(self, user, actions):
        if user.is_active and any(self.user_has_permission(user, a) for a in actions):
            return Collection.objects.all()
        return Collection.objects.none()

    def collections_user_has_permission_for(self, user, action):
        return self.collections_user_has_any_permission_for(user, [action])


class ReadableDocumentsOnly:
    """For Wagtail's document bulk actions (delete, add tags, add to collection): their
    confirmation page lists the documents the user may not act on by title; a document the
    user may not read is left out of that list, as if its id did not exist."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        refused = context.get("items_with_no_access", [])
        ids = [entry["item"].pk if isinstance(entry, dict) else entry.pk for entry in refused]
        readable = set(
            documents_visible_to(self.request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        context["items_with_no_access"] = [
            entry for entry, pk in zip(refused, ids, strict=True) if pk in readable
        ]
        return context


def readable_bulk_actions() -> list[type]:
    """Wagtail's document bulk actions narrowed by :class:`ReadableDocumentsOnly`,
    registered after Wagtail's (``register_bulk_action``) so they take their place."""
    from wagtail.documents.views.bulk_actions import (
        AddTagsBulkAction,
        AddToCollectionBulkAction,
        DeleteBulkAction,
    )

    return [
        type(f"Readable{action.__name__}", (ReadableDocumentsOnly, action), {})
        for action in (DeleteBulkAction, AddTagsBulkAction, AddToCollectionBulkAction)
    ]


class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    """The admin API's document listing (``/admin/api/main/documents/``), narrowed to the
    documents the user may read."""

    def get_queryset(self):
        return documents_visible_to(self.request.user, super().get_queryset())


# Wagtail's admin pages about one document: edit, delete, usage, the multiple-upload edit
# and delete, and the chooser's "chosen" answer.
DOCUMENT_ADMIN_PATHS = (
    r"documents/(?:edit|delete|usage|multiple|chooser/chosen)/(?P<document_id>\d+)/(?:delete/)?"
)


def document_admin_view(request: HttpRequest, document_id: str, admin_path: str) -> HttpResponse:
    """Wagtail's admin page for one document, found through Wagtail's own admin URLs,
    after a 404 for a document the user may not read: the same answer as for a document
    that does not exist, so no id tells another street's paper exists. Visitors not
    signed in go on to Wagtail, which sends them to sign in."""
    if (
        request.user.is_authenticated
        and not documents_visible_to(request.user).filter(pk=document_id).exists()
    ):
        raise Http404
    match = resolve(f"/{admin_path}", urlconf="wagtail.admin.urls")
    return match.func(request, *match.args, **match.kwargs)


def document_admin_overrides(admin_prefix: str = "admin/") -> list:
    """URL patterns to place before Wagtail's admin URLs (see :func:`document_admin_view`)."""
    return [
        re_path(
            rf"^{admin_prefix}(?P<admin_path>{DOCUMENT_ADMIN_PATHS})$",
            document_admin_view,
        )
    ]
