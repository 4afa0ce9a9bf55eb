from django.contrib import admin

from smartkampung.checkpoints.models import Checkpoint


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "village", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
