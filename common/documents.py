"""Wagtail's documents as private papers: the permission policy of the document admin and
chooser, and the admin API's document listing, both narrowed to the documents the user may
read (``common.files.documents_visible_to``). Registered by
``committees.document_hooks``."""

from __future__ import annotations

from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.models import Collection
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy

from .files import document_visible, documents_visible_to


class PrivateDocumentPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's document permissions, taken from the role's model permissions
    (``wagtaildocs.add_document`` etc., kept by ``roles_sync``) rather than per-collection
    grants, and every listing, chooser and edit view narrowed to the documents the user may
    read (:func:`documents_visible_to`)."""

    def __init__(self):
        super().__init__(
            get_document_model(),
            auth_model="wagtaildocs.Document",
            owner_field_name="uploaded_by_user",
        )

    def _check_perm(self, user, actions, collection=None):
        if not (user.is_active and user.is_authenticated):
            return False
        if user.is_superuser:
            return True
        return any(user.has_perm(self._get_permission_name(action)) for action in actions)

    def _collections_with_perm(self, user, actions):
        if self._check_perm(user, actions):
            return Collection.objects.all()
        return Collection.objects.none()

    def instances_user_has_any_permission_for(self, user, actions):
        return documents_visible_to(
            user, super().instances_user_has_any_permission_for(user, actions)
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return super().user_has_any_permission_for_instance(
            user, actions, instance
        ) and document_visible(user, instance)


class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    """The admin API's document listing (``/admin/api/main/documents/``), narrowed to the
    documents the user may read."""

    def get_queryset(self):
        return documents_visible_to(self.request.user, super().get_queryset())
