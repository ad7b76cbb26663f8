"""guardian looks up content types by concrete model; Wagtail pages share Page's (STACK.md §3)."""

from django.contrib.contenttypes.models import ContentType


def get_content_type(obj):
    from wagtail.models import Page

    model = obj if isinstance(obj, type) else type(obj)
    return ContentType.objects.get_for_model(Page if issubclass(model, Page) else model)
