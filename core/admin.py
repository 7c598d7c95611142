import json
from collections.abc import Callable
from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import router, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import beat_admin
from core.accounts import person_name
from core.audit_labels import action_label, model_label
from core.models import AuditLog, PersonalDataAccess
from core.roles import Role
from core.services import audit_record

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


def user_choice_label(user: Any) -> str:
    """A user in a select: the name in Chinese order, with the login name to tell namesakes
    apart (User.__str__ is the login name alone)."""
    name = person_name(user)
    return "%s（%s）" % (name, user.username) if name != user.username else name


def user_column(model: Any, field: str) -> Callable[[Any, Any], str]:
    """A changelist column of a user field by name in Chinese order (the field itself shows
    User.__str__, the login name): `author_name = user_column(Feedback, "author")`."""

    @admin.display(
        description=model._meta.get_field(field).verbose_name, ordering=field + "__last_name"
    )
    def column(model_admin: Any, obj: Any) -> str:
        user = getattr(obj, field)
        return person_name(user) if user is not None else "—"

    column.__name__ = field + "_name"
    return column


def user_choices_by_name(db_field: Any, formfield: Any) -> None:
    """Users offered by a relation's form field (an HR-account picker, owners) show by name."""
    if db_field.related_model is get_user_model() and hasattr(formfield, "label_from_instance"):
        formfield.label_from_instance = user_choice_label


class ServiceModelAdmin(admin.ModelAdmin):
    """An admin that writes only through its app's services (STYLE.md 2), as the pages do.

    Subclasses implement `save_model`, `delete_model` and, for inlines, `save_formset` by
    calling services; the defaults here refuse rather than write around them. Many-to-many
    fields of the form are the service's too (`save_model` passes them), so `save_related`
    only saves the inlines. A bulk delete deletes row by row through `delete_model`.

    A `ValidationError` a service raises (a rule, in Chinese: STYLE.md 6) rolls the whole
    request back and is shown on the form as a view shows it, or as a message after a delete.
    """

    def action_checkbox(self, obj):
        """Django's row checkbox, the same markup written directly: rendering it as a form
        widget (through the template engine) costs about a third of a 100-row changelist."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext("Select this object for an action - {}"), str(obj)),
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.is_relation:
            user_choices_by_name(db_field, formfield)
        return formfield

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


class _CodeFilter(admin.SimpleListFilter):
    """Filter by a stored code (action, object type), offering the codes the log holds under
    their Chinese labels (one query over the changelist's own rows)."""

    label: Callable[[str], str]

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request)
            .order_by()
            .values_list(self.parameter_name, flat=True)
            .distinct()
        )
        choices = [(code, type(self).label(code)) for code in codes if code]
        return sorted(choices, key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


class AuditActionFilter(_CodeFilter):
    title = _("操作")
    parameter_name = "action"
    label = staticmethod(action_label)


class ObjectTypeFilter(_CodeFilter):
    title = _("对象类型")
    parameter_name = "object_type"
    label = staticmethod(model_label)


class ActorFilter(admin.RelatedFieldListFilter):
    """The actors by name in Chinese order (User.__str__ is the login name)."""

    def field_choices(self, field, request, model_admin):
        actors = User.objects.filter(
            pk__in=model_admin.get_queryset(request).values("actor")
        ).order_by("last_name", "first_name", "username")
        return [(user.pk, person_name(user)) for user in actors]


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records the admin shows and never changes: they are written by the services (or by
    nobody), so no add, change or delete here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _LogAdmin(ReadOnlyModelAdmin):
    """The two logs: Chinese labels for their codes, the raw code kept as a tooltip and on the
    detail page for support; nobody writes them by hand."""

    list_select_related = ["actor"]

    @admin.display(description=_("操作人"), ordering="actor__last_name")
    def actor_name(self, obj):
        return person_name(obj.actor) if obj.actor_id else "—"

    @admin.display(description=_("对象类型"), ordering="object_type")
    def object_type_label(self, obj):
        return format_html(
            '<span title="{}">{}</span>', obj.object_type, model_label(obj.object_type)
        )

    @admin.display(description=_("详情（原始数据）"))
    def detail_text(self, obj):
        # Stored as the service wrote it (field names and codes), for support: shown as data.
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.detail, ensure_ascii=False, indent=2, default=str)
        )


@admin.register(AuditLog)
class AuditLogAdmin(_LogAdmin):
    list_display = ["created_at", "actor_name", "action_label", "object_type_label", "object_id"]
    list_filter = [AuditActionFilter, ObjectTypeFilter]
    fields = readonly_fields = (
        "created_at",
        "actor_name",
        "action_label",
        "action_code",
        "object_type_label",
        "object_type",
        "object_id",
        "detail_text",
    )

    @admin.display(description=_("操作"), ordering="action")
    def action_label(self, obj):
        return format_html('<span title="{}">{}</span>', obj.action, action_label(obj.action))

    @admin.display(description=_("操作代码"))
    def action_code(self, obj):
        return obj.action


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(_LogAdmin):
    """Staff read who reached personal data; nobody, superusers included, writes the log by
    hand (core.services.personal_data_access_record writes it)."""

    list_display = [
        "created_at",
        "actor_name",
        "action",
        "object_type_label",
        "object_id",
        "record_count",
    ]
    list_filter = ["action", ObjectTypeFilter, "created_at", ("actor", ActorFilter)]
    search_fields = ["actor__username", "actor__last_name", "actor__first_name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "created_at",
        "actor_name",
        "action",
        "object_type_label",
        "object_type",
        "object_id",
        "record_count",
        "detail_text",
    )


# Accounts (issue 12) ---------------------------------------------------------------------------

User = get_user_model()
ROLE_NAMES = frozenset(role.value for role in Role)


def _is_superuser(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_superuser", False))


# Django names its default permissions in English ("Can add enterprise") in the database:
# pickers of permissions show them in Chinese, from the model's Chinese name.
PERMISSION_ACTIONS = {
    "add": _("添加"),
    "change": _("修改"),
    "delete": _("删除"),
    "view": _("查看"),
}


def permission_label(permission: Any) -> str:
    """区域与企业 | 企业 | 可以添加企业 for enterprises.add_enterprise; a custom permission by its
    own (Chinese) name."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return str(permission)
    opts = model._meta
    app = apps.get_app_config(opts.app_label).verbose_name
    action, _sep, rest = permission.codename.partition("_")
    name = permission.name
    if rest == opts.model_name and action in PERMISSION_ACTIONS:
        name = gettext("可以%(action)s%(model)s") % {
            "action": PERMISSION_ACTIONS[action],
            "model": opts.verbose_name,
        }
    return "%s | %s | %s" % (app, opts.verbose_name, name)


def permissions_by_name(db_field: Any, formfield: Any) -> None:
    if db_field.name in ("permissions", "user_permissions") and formfield is not None:
        formfield.queryset = formfield.queryset.select_related("content_type")
        formfield.label_from_instance = permission_label


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """Django's group admin, its permissions named in Chinese."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        permissions_by_name(db_field, formfield)
        return formfield

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.has_change_permission(request, obj):
            # Read-only, the admin lists related rows by str(): the Chinese names instead.
            return ["permission_names" if f == "permissions" else f for f in fields]
        return fields

    @admin.display(description=_("权限"))
    def permission_names(self, obj):
        return _permission_list(obj.permissions.all() if obj is not None else ())


def _permission_list(permissions: Any) -> str:
    labels = sorted(permission_label(p) for p in permissions.select_related("content_type"))
    return format_html_join("", "<div>{}</div>", ((label,) for label in labels)) or "—"


admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Staff (auth.change_user) keep accounts and give them the portal's roles; only a superuser
    makes superusers, grants raw permissions or other groups, or changes a superuser's account.
    Nobody but a superuser changes their own roles or admin access.

    Every rule holds on the server: what a non-superuser may not change is left out of the
    form (a forged field is ignored), the group choices are the role groups (another id is
    refused), and save_model / save_related check again."""

    # Names in Chinese order: 姓 before 名, one 姓名 column (User.__str__ is the login name).
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("last_name", "first_name", "email")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "last_name",
                    "first_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = ("username", "full_name", "email", "is_staff", "is_active")

    @admin.display(description=_("姓名"), ordering="last_name")
    def full_name(self, obj):
        return person_name(obj) if (obj.last_name or obj.first_name) else "—"

    def _own_account(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and obj.pk == request.user.pk

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if _is_superuser(request) or obj is None:
            return fieldsets
        # Read-only for them: the permissions by their Chinese names (str() is English).
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        "user_permission_names" if f == "user_permissions" else f
                        for f in options["fields"]
                    ],
                },
            )
            for title, options in fieldsets
        ]

    @admin.display(description=_("用户权限"))
    def user_permission_names(self, obj):
        return _permission_list(obj.user_permissions.all())

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not _is_superuser(request):
            fields += ["is_superuser", "user_permissions", "user_permission_names"]
            if self._own_account(request, obj):
                fields += ["is_staff", "groups"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not _is_superuser(request):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not _is_superuser(request):
            kwargs["queryset"] = Group.objects.filter(name__in=ROLE_NAMES).order_by("name")
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        permissions_by_name(db_field, formfield)
        return formfield

    def save_model(self, request, obj, form, change):
        if not _is_superuser(request):
            stored = User.objects.filter(pk=obj.pk).first() if change else None
            if stored is not None and stored.is_superuser:
                raise PermissionDenied
            obj.is_superuser = False
            if self._own_account(request, obj) and stored is not None:
                obj.is_staff = stored.is_staff
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        account = form.instance
        before = set(account.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        if not _is_superuser(request):
            # Whatever the form carried: the account keeps its other groups and permissions,
            # and gains or loses role groups only, never on the actor's own account.
            chosen = {group.name for group in form.cleaned_data.get("groups") or ()}
            if self._own_account(request, account) or "groups" not in form.cleaned_data:
                chosen = before & ROLE_NAMES
            names = (before - ROLE_NAMES) | (chosen & ROLE_NAMES)
            account.groups.set(Group.objects.filter(name__in=names))
        after = set(account.groups.values_list("name", flat=True))
        if after != before:
            audit_record(
                actor=request.user,
                action="auth.user.groups_changed",
                target=account,
                added=sorted(after - before),
                removed=sorted(before - after),
            )


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginLockAdmin(AccessAttemptAdmin):
    """django-axes' failed-login counts, in Chinese: deleting a row lifts its lock."""

    @admin.display(description=_("状态"))
    def status(self, obj):
        return super().status(obj)

    @admin.display(description=_("过期时间"))
    def expiration(self, obj):
        return super().expiration(obj)

    @admin.action(description=_("清理已过期的失败计数"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "已清理 %(count)s 条过期的失败计数。", "已清理 %(count)s 条过期的失败计数。", count
            )
            % {"count": count},
        )


def year_filter(field: str, title: Any) -> type[admin.SimpleListFilter]:
    """A list filter by the year of a date field, offering the years the list's rows have (one
    query: the changelist's own rows, so a user is never offered a year they cannot see)."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = "%s_year" % field

        def lookups(self, request, model_admin):
            years = model_admin.get_queryset(request).dates(field, "year", order="DESC")
            return [(str(day.year), "%d" % day.year) for day in years]

        def queryset(self, request, queryset):
            value = self.value()
            if value and value.isdigit():
                return queryset.filter(**{"%s__year" % field: int(value)})
            return queryset

    YearFilter.title = title
    YearFilter.__name__ = YearFilter.__qualname__ = "YearFilter_%s" % field
    return YearFilter


# django-celery-beat's admins (周期任务) in Chinese.
beat_admin.register()
