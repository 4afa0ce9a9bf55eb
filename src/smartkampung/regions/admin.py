"""The health office corrects which Puskesmas serves which village here (/admin/regions/puskesmas/)."""

from django.contrib import admin

from smartkampung.regions.models import Puskesmas, ServiceArea


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0


@admin.register(Puskesmas)
class PuskesmasAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "address", "active"]
    list_filter = ["district"]
    search_fields = ["name"]
    inlines = [ServiceAreaInline]
