"""Registration only: Wagtail documents are private papers (nomination papers, archives).
Their files live in the private storage (``common.files``); Wagtail's serve view streams
them only to staff whose jurisdiction covers a record that links them, and the document
admin, chooser and admin API list only those. Imported by committees.wagtail_hooks."""

from __future__ import annotations

from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.permissions import register_permission_policy

from common.documents import (
    PrivateDocumentPolicy,
    ScopedDocumentsAdminAPIViewSet,
    readable_bulk_actions,
)
from common.files import document_serve_check

# Exact-class registration takes precedence over the policy wagtaildocs registers itself.
register_permission_policy(get_document_model(), PrivateDocumentPolicy(), exact_class=True)

hooks.register("before_serve_document", document_serve_check)


# After wagtaildocs' own hook (order 0), so this endpoint replaces its unscoped one.
@hooks.register("construct_admin_api", order=10)
def register_scoped_documents_api(router):
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


# After wagtaildocs' own bulk actions (order 0): the same actions, whose confirmation page
# names no document the user may not read.
for _action in readable_bulk_actions():
    hooks.register("register_bulk_action", _action, order=10)
