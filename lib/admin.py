from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records made elsewhere (calls come from Exotel, the trail from people): look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
