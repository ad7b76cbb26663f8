"""Images larger than the machines should decode are refused at upload, everywhere.

Wagtail's image forms (add, multiple upload, chooser upload, replacing a file) check
``WAGTAILIMAGES_MAX_IMAGE_PIXELS`` themselves. The account avatar form does not: it opens
and resizes whatever it is given, so a small file that unpacks to a huge canvas would
take the memory and a core of a worker. The account page here uses an avatar form that
reads the image's header first and refuses it above the same limit, before any decoding.
"""

from __future__ import annotations

import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image
from wagtail.admin.auth import require_admin_access
from wagtail.admin.forms.account import AvatarPreferencesForm
from wagtail.admin.views import account

MSG_TOO_MANY_PIXELS = _("图片像素过多（%(pixels)s 像素），上限为 %(limit)s 像素，请缩小后再上传。")
MSG_TOO_MANY_PIXELS_UNKNOWN = _("图片像素过多，上限为 %(limit)s 像素，请缩小后再上传。")


def max_image_pixels() -> int | None:
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None)


def image_pixels(file) -> int | None:
    """Width × height × frames, read from the image's header (no pixel is decoded);
    -1 when Pillow itself refuses the size; ``None`` when it is not an image Pillow reads
    (the field's own validation then says so)."""
    position = file.tell() if hasattr(file, "tell") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                return image.width * image.height * getattr(image, "n_frames", 1)
    except Image.DecompressionBombError:
        return -1
    except Exception:  # noqa: BLE001 -- not an image: left to the field's validation
        return None
    finally:
        if position is not None:
            file.seek(position)


def check_image_pixels(file) -> None:
    """Raise a ValidationError when the image is above ``WAGTAILIMAGES_MAX_IMAGE_PIXELS``."""
    limit = max_image_pixels()
    if not limit or file is None:
        return
    pixels = image_pixels(file)
    if pixels == -1:
        raise ValidationError(
            MSG_TOO_MANY_PIXELS_UNKNOWN, code="file_too_many_pixels", params={"limit": limit}
        )
    if pixels is not None and pixels > limit:
        raise ValidationError(
            MSG_TOO_MANY_PIXELS,
            code="file_too_many_pixels",
            params={"pixels": pixels, "limit": limit},
        )


class PixelLimitedImageField(forms.ImageField):
    """Django's ImageField, refusing an image above the pixel limit before it opens it."""

    def to_python(self, data):
        if data not in self.empty_values and hasattr(data, "read"):
            check_image_pixels(data)
        return super().to_python(data)


class AvatarForm(AvatarPreferencesForm):
    avatar = PixelLimitedImageField(
        label=AvatarPreferencesForm.base_fields["avatar"].label, required=False
    )


class AvatarSettingsPanel(account.AvatarSettingsPanel):
    form_class = AvatarForm
    # The stock panel shows no error for its field: this one says why an image is refused.
    template_name = "security/avatar_panel.html"


class AccountView(account.AccountView):
    """Wagtail's account page with the pixel-limited avatar form."""

    def get_panels(self):
        return [
            AvatarSettingsPanel(panel.request, panel.user, panel.profile)
            if type(panel) is account.AvatarSettingsPanel
            else panel
            for panel in super().get_panels()
        ]


def account_overrides(admin_prefix: str = "admin/") -> list:
    """URL patterns to place before Wagtail's admin URLs: its account page, with the
    pixel-limited avatar form."""
    from django.urls import path

    return [
        path(
            f"{admin_prefix}account/",
            require_admin_access(AccountView.as_view()),
            name="wagtailadmin_account",
        )
    ]
