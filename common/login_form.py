"""The admin login form: Wagtail's, with a Chinese label on the password field (Wagtail
leaves it unlabelled, so Django shows the field name in English)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")
