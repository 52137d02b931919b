from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from django import forms

from justsend_panel.core.models import ProviderSetting, WorkerHeartbeat
from justsend_panel.core.services import provider_setting_update
from justsend_panel.sms.registry import PROVIDERS, backend_class


class HistoryAdmin(admin.ModelAdmin):
    """Rows that are history or written by the panel's own work: read here, never added,
    changed or deleted (a deleted row would leave a count, a chart or a push wrong)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("recorded_at", "hostname", "pid", "source", "requested_at")
    list_filter = ("source", "hostname")
    search_fields = ("hostname", "source")
    date_hierarchy = "recorded_at"
    readonly_fields = ("source", "hostname", "pid", "requested_at", "recorded_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-celery-beat's periodic-task form runs an inline script (the crontab's readable
# translation); the panel's policy allows no inline script. This form alone gets a nonce in
# its policy and the script the same nonce (templates/admin/djcelery/...): every other page,
# admin included, keeps ``script-src 'self'``.
admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PanelPeriodicTaskAdmin(PeriodicTaskAdmin):
    @csp_update({"script-src": [NONCE]})
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)


class ProviderSettingAdminForm(forms.ModelForm):
    provider = forms.ChoiceField(
        choices=lambda: [(name, backend_class(name).label or name) for name in PROVIDERS]
    )

    class Meta:
        model = ProviderSetting
        fields = ("provider", "default_sender", "price_per_segment", "currency", "rate_limit", "vibername_id")

    def clean_rate_limit(self):
        rate = self.cleaned_data["rate_limit"]
        if rate is not None and rate <= 0:
            raise forms.ValidationError(_("Give a positive number of requests per second."))
        return rate


@admin.register(ProviderSetting)
class ProviderSettingAdmin(admin.ModelAdmin):
    """The Providers page's settings; a save goes through the same service (and its
    activity-log entry)."""

    form = ProviderSettingAdminForm
    list_display = ("provider", "default_sender", "price_per_segment", "currency", "rate_limit",
                    "updated_at")

    def get_readonly_fields(self, request, obj=None):
        return ("provider",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        saved = provider_setting_update(
            provider=obj.provider, default_sender=obj.default_sender,
            price_per_segment=obj.price_per_segment, currency=obj.currency,
            rate_limit=obj.rate_limit, vibername_id=obj.vibername_id, by=request.user,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # a row's absence means the defaults: clear its fields instead
