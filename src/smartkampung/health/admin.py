from django.contrib import admin

from smartkampung.health.models import Puskesmas, ServiceArea


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0


@admin.register(Puskesmas)
class PuskesmasAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "address", "active"]
    list_filter = ["district"]
    search_fields = ["name"]
    inlines = [ServiceAreaInline]
