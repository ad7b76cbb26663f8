"""Images above the pixel limit (40 megapixels) are refused with a Chinese message
everywhere an image can be uploaded: Wagtail's image forms and the account avatar,
whose stock form would open and resize any image it is given."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

from config.settings import base
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LIMIT = 40_000_000


def png(width: int, height: int, name: str = "photo.png") -> SimpleUploadedFile:
    """A PNG of that size; a one-bit canvas compresses to a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(scope="module")
def huge_png_bytes() -> bytes:
    # 7,000 × 6,000 = 42 megapixels, just above the limit (and below Pillow's own).
    return png(7000, 6000).read()


@pytest.fixture
def huge(huge_png_bytes):
    return SimpleUploadedFile("huge.png", huge_png_bytes, content_type="image/png")


@pytest.fixture
def admin_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user("platform_root", is_superuser=True))
    return client


def test_limit_is_forty_megapixels():
    assert base.WAGTAILIMAGES_MAX_IMAGE_PIXELS == LIMIT == settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS


def test_image_upload_refuses_too_many_pixels(admin_client, huge):
    response = admin_client.post("/admin/images/add/", {"title": "小区航拍", "file": huge})
    assert response.status_code == 200
    assert "像素" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_multiple_upload_refuses_too_many_pixels(admin_client, huge):
    response = admin_client.post("/admin/images/multiple/add/", {"files[]": huge})
    assert response.status_code == 200
    data = response.json()
    assert data["success"] is False
    assert "像素" in data["error_message"]
    assert not get_image_model().objects.exists()


def test_image_upload_below_the_limit_works(admin_client):
    response = admin_client.post("/admin/images/add/", {"title": "小区大门", "file": png(800, 600)})
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="小区大门").exists()


def account_post(client, avatar):
    return client.post(
        "/admin/account/",
        {
            "name_email-first_name": "建国",
            "name_email-last_name": "李",
            "name_email-email": "li@example.cn",
            "avatar-avatar": avatar,
            "theme-theme": "system",
            "theme-contrast": "system",
            "theme-density": "default",
        },
    )


def test_avatar_refuses_too_many_pixels(admin_client, huge):
    response = account_post(admin_client, huge)
    assert response.status_code == 200
    text = response.content.decode()
    assert "图片像素过多（42000000 像素），上限为 40000000 像素" in text
    user = response.wsgi_request.user
    assert not UserProfile.get_for_user(user).avatar


def test_avatar_refuses_a_size_pillow_itself_refuses(admin_client):
    # 15,000 × 13,000 = 195 megapixels: beyond twice Pillow's own limit.
    response = account_post(admin_client, png(15000, 13000, "bomb.png"))
    assert response.status_code == 200
    assert "图片像素过多，上限为 40000000 像素" in response.content.decode()


def test_avatar_below_the_limit_is_saved(admin_client):
    response = account_post(admin_client, png(600, 600, "me.png"))
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = UserProfile.get_for_user(response.wsgi_request.user)
    assert profile.avatar
    with Image.open(profile.avatar) as saved:
        assert max(saved.size) == 400  # Wagtail's own resize still runs
