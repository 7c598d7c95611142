from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ImproperlyConfigured,
    ValidationError,
)
from django.db import router, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from core.models import AuditLog

# Where a service's refusal waits for the form that shows it (ServiceModelAdmin).
_SERVICE_ERROR = "_service_error"


def _add_service_error(form: BaseForm, error: ValidationError) -> None:
    """Put a service's message on the form: on its field when the form has one, else above it
    with the field's name."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                if field in form.fields:
                    form.add_error(field, message)
                elif field == NON_FIELD_ERRORS:
                    form.add_error(None, message)
                else:
                    form.add_error(None, "%s：%s" % (_field_label(form, field), message))
    else:
        for message in error.messages:
            form.add_error(None, message)


def _field_label(form: BaseForm, name: str) -> str:
    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        return str(model._meta.get_field(name).verbose_name) if model else name
    except FieldDoesNotExist:
        return name


class ServiceModelAdmin(admin.ModelAdmin):
    """An admin that writes only through its app's services (STYLE.md 2), as the pages do.

    Subclasses implement `save_model`, `delete_model` and, for inlines, `save_formset` by
    calling services; the defaults here refuse rather than write around them. Many-to-many
    fields of the form are the service's too (`save_model` passes them), so `save_related`
    only saves the inlines. A bulk delete deletes row by row through `delete_model`.

    A `ValidationError` a service raises (a rule, in Chinese: STYLE.md 6) rolls the whole
    request back and is shown on the form as a view shows it, or as a message after a delete.
    """

    def _not_through_a_service(self, method: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(
            "%s.%s must write through a service" % (type(self).__name__, method)
        )

    def save_model(self, request, obj, form, change):
        raise self._not_through_a_service("save_model")

    def delete_model(self, request, obj):
        raise self._not_through_a_service("delete_model")

    def save_formset(self, request, form, formset, change):
        raise self._not_through_a_service("save_formset")

    @staticmethod
    def save_inline_rows(
        request: HttpRequest,
        formset: Any,
        *,
        save: Callable[..., Any],
        delete: Callable[..., Any],
        row: str,
    ) -> None:
        """An inline's rows through their services: the removed ones, then the added and
        changed ones, each as `save(user=…, <row>=…)` / `delete(user=…, <row>=…)`."""
        rows = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete(user=request.user, **{row: obj})
        for obj in rows:
            save(user=request.user, **{row: obj})

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            for obj in queryset:
                self.delete_model(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        error = getattr(request, _SERVICE_ERROR, None)
        if error is None:
            return form_class

        def clean(form: Any) -> Any:
            cleaned_data = form_class.clean(form)
            _add_service_error(form, error)
            return cleaned_data

        return type(form_class.__name__, (form_class,), {"clean": clean})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST":
                raise
            # Everything the first pass wrote was rolled back; the second pass shows the same
            # input with the service's message, and a form with errors saves nothing.
            setattr(request, _SERVICE_ERROR, error)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self._refused(request, error)
        opts = self.opts
        return HttpResponseRedirect(
            reverse(
                "admin:%s_%s_change" % (opts.app_label, opts.model_name),
                args=[object_id],
                current_app=self.admin_site.name,
            )
        )

    def response_action(self, request, queryset):
        # Actions (the bulk delete among them) are all or nothing, like the form.
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().response_action(request, queryset)
        except ValidationError as error:
            self._refused(request, error)
        return HttpResponseRedirect(request.get_full_path())

    def _refused(self, request: HttpRequest, error: ValidationError) -> None:
        for message in error.messages:
            self.message_user(request, message, messages.ERROR)


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action"]
    list_select_related = ["actor"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
