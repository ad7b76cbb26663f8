from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    default_auto_field = "django.db.models.BigAutoField"
