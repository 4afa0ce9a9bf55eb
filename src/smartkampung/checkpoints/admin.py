from django.contrib import admin

from smartkampung.checkpoints.models import Checkpoint
from smartkampung.checkpoints.selectors import active_checkpoints


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "village", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]

    # A checkpoint opened or closed here counts at once in this process (others: REFERENCE_CACHE_SECONDS).
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        active_checkpoints.clear_on_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        active_checkpoints.clear_on_commit()
