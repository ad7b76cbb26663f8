"""Wagtail's documents as private papers: the permission policy of the document admin and
chooser, and the admin API's document listing, both narrowed to the documents the user may
read (``common.files.documents_visible_to``). Registered by
``committees.document_hooks``."""

from __future__ import annotations

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


class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    """The admin API's document listing (``/admin/api/main/documents/``), narrowed to the
    documents the user may read."""

    def get_queryset(self):
        return documents_visible_to(self.request.user, super().get_queryset())
