"""django-celery-beat's admin (周期任务) in Chinese: each task by what it does, each schedule
in words ("每年1、4、7、10月1日 02:00" rather than "0 2 1 1,4,7,10 *"), Chinese column headers
and filters. The admins are django-celery-beat's own, subclassed: their actions, form and the
form template (templates/admin/djcelery/) behave as before."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

# What each of the portal's Celery tasks does, by the name Celery knows it by (some keep the
# name of the app they first lived in: tests/test_task_names.py). tests/core/test_chinese.py
# checks every registered task has a line here.
TASK_LABELS = {
    "core.tasks.import_validate_task": _("校验上传的文件"),
    "core.tasks.import_apply_task": _("导入已确认的文件"),
    "core.tasks.import_previews_expire_task": _("清理过期未确认的导入预览"),
    "imports.tasks.import_annotated_build_task": _("生成上传文件的错误说明"),
    "imports.tasks.import_originals_purge_task": _("删除超过保存期限的原始文件"),
    "imports.tasks.import_uploads_sweep_task": _("补发未送出的上传处理"),
    "reports.tasks.report_build_task": _("生成改革进展报告"),
    "reports.tasks.report_scheduled_task": _("定时生成改革进展报告"),
    "reports.tasks.reports_sweep_task": _("补发未送出的报告请求"),
    "reports.tasks.report_figures_warm_task": _("预先计算改革进展数据"),
    "unions.tasks.figures_warm_task": _("预先计算工会覆盖数据"),
}


def task_label(task: str) -> str:
    """The task's Chinese description; the Celery name itself for a task the portal does not
    know (a third party's)."""
    label = TASK_LABELS.get(task)
    return str(label) if label is not None else task


# -- Schedules in words --------------------------------------------------------------------

WEEKDAYS = {
    "0": "日",
    "1": "一",
    "2": "二",
    "3": "三",
    "4": "四",
    "5": "五",
    "6": "六",
    "7": "日",
    "sun": "日",
    "mon": "一",
    "tue": "二",
    "wed": "三",
    "thu": "四",
    "fri": "五",
    "sat": "六",
}
_NUMBER = re.compile(r"^\d+$")


def _is_number(part: str) -> bool:
    return bool(_NUMBER.match(part))


def _values(field: str, name=lambda value: value) -> str:
    """A cron field's values in words: "1,4,7" → 1、4、7; "1-5" → 1至5; "*/2" → 每2."""
    words = []
    for item in field.split(","):
        item = item.strip().lower()
        base, _slash, step = item.partition("/")
        if base in ("*", ""):
            text = gettext("每%(step)s") % {"step": step} if step else gettext("每")
        elif "-" in base:
            start, _dash, end = base.partition("-")
            text = gettext("%(start)s至%(end)s") % {"start": name(start), "end": name(end)}
            if step:
                text += gettext("（每隔%(step)s）") % {"step": step}
        else:
            text = name(base)
            if step:
                text += gettext("起每%(step)s") % {"step": step}
        words.append(text)
    return "、".join(words)


def _time(minute: str, hour: str) -> str:
    if _is_number(minute) and _is_number(hour):
        return "%02d:%02d" % (int(hour), int(minute))
    if hour == "*":
        if minute == "*":
            return gettext("每分钟")
        if minute.startswith("*/"):
            return gettext("每%(n)s分钟") % {"n": minute[2:]}
        return gettext("每小时的第%(minutes)s分") % {"minutes": _values(minute)}
    if _is_number(minute) and all(_is_number(h) for h in hour.split(",")):
        return "、".join("%02d:%02d" % (int(h), int(minute)) for h in hour.split(","))
    return gettext("%(hours)s时%(minutes)s分") % {
        "hours": _values(hour),
        "minutes": gettext("每") if minute == "*" else _values(minute),
    }


def _days(day_of_month: str, month_of_year: str, day_of_week: str) -> str:
    months = month_of_year.strip()
    dom = day_of_month.strip()
    dow = day_of_week.strip()
    weekday = gettext("每周%(days)s") % {"days": _values(dow, lambda d: WEEKDAYS.get(d, d))}
    if months == "*":
        if dom == "*" and dow == "*":
            return gettext("每天")
        if dow == "*":
            return gettext("每月%(days)s日") % {"days": _values(dom)}
        if dom == "*":
            return weekday
        return gettext("每月%(days)s日及%(weekday)s") % {"days": _values(dom), "weekday": weekday}
    in_months = gettext("每年%(months)s月") % {"months": _values(months)}
    if dom == "*" and dow == "*":
        return gettext("%(months)s每天") % {"months": in_months}
    if dow == "*":
        return gettext("%(months)s%(days)s日") % {"months": in_months, "days": _values(dom)}
    if dom == "*":
        return "%s%s" % (in_months, weekday)
    return gettext("%(months)s%(days)s日及%(weekday)s") % {
        "months": in_months,
        "days": _values(dom),
        "weekday": weekday,
    }


def crontab_description(crontab: CrontabSchedule) -> str:
    """ "0 2 1 1,4,7,10 *" → 每年1、4、7、10月1日 02:00; the time zone when it is not the
    portal's."""
    days = _days(crontab.day_of_month, crontab.month_of_year, crontab.day_of_week)
    time = _time(crontab.minute.strip(), crontab.hour.strip())
    # "每5分钟", not "每天 每5分钟".
    text = time if days == gettext("每天") and time.startswith(gettext("每")) else days + " " + time
    zone = str(crontab.timezone)
    if zone != settings.TIME_ZONE:
        text += gettext("（时区 %(zone)s）") % {"zone": zone}
    return text


def crontab_expression(crontab: CrontabSchedule) -> str:
    return " ".join(
        (
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        )
    )


INTERVAL_UNITS = {
    IntervalSchedule.DAYS: _("天"),
    IntervalSchedule.HOURS: _("小时"),
    IntervalSchedule.MINUTES: _("分钟"),
    IntervalSchedule.SECONDS: _("秒"),
    IntervalSchedule.MICROSECONDS: _("微秒"),
}


def interval_description(interval: IntervalSchedule) -> str:
    unit = INTERVAL_UNITS.get(interval.period, interval.period)
    if interval.every == 1:
        return gettext("每%(unit)s") % {"unit": unit}
    return gettext("每 %(every)s %(unit)s") % {"every": interval.every, "unit": unit}


SOLAR_EVENTS = {
    "dawn_astronomical": _("天文晨光始"),
    "dawn_civil": _("民用晨光始"),
    "dawn_nautical": _("航海晨光始"),
    "dusk_astronomical": _("天文昏影终"),
    "dusk_civil": _("民用昏影终"),
    "dusk_nautical": _("航海昏影终"),
    "solar_noon": _("正午"),
    "sunrise": _("日出"),
    "sunset": _("日落"),
}


def solar_description(solar: SolarSchedule) -> str:
    return gettext("每天%(event)s时（纬度 %(lat)s，经度 %(lon)s）") % {
        "event": SOLAR_EVENTS.get(solar.event, solar.event),
        "lat": solar.latitude,
        "lon": solar.longitude,
    }


def clocked_description(clocked: ClockedSchedule) -> str:
    when = timezone.localtime(clocked.clocked_time)
    return gettext("仅一次：%(when)s") % {"when": when.strftime("%Y年%m月%d日 %H:%M")}


def schedule_description(task: PeriodicTask) -> str:
    """The task's schedule in words, whichever kind it has."""
    if task.crontab_id:
        return crontab_description(task.crontab)
    if task.interval_id:
        return interval_description(task.interval)
    if task.solar_id:
        return solar_description(task.solar)
    if task.clocked_id:
        return clocked_description(task.clocked)
    return gettext("未设置计划")


# -- The admins ------------------------------------------------------------------------------


class TaskFilter(admin.SimpleListFilter):
    title = _("任务")
    parameter_name = "task"

    def lookups(self, request, model_admin):
        names = (
            model_admin.get_queryset(request).order_by().values_list("task", flat=True).distinct()
        )
        return sorted(((name, task_label(name)) for name in names if name), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(task=self.value()) if self.value() else queryset


class TaskSelectWidget(beat_admin.TaskSelectWidget):
    """The registered tasks by what they do (the stored value stays the Celery name)."""

    def tasks_as_choices(self):
        choices = super().tasks_as_choices()
        return tuple((name, task_label(name) if name else label) for name, label in choices)


class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
    regtask = beat_admin.TaskChoiceField(
        label=_("任务（已注册）"), required=False, widget=TaskSelectWidget
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A stored task shows in the select by its Chinese description, not only as its
        # Celery name in the text field below it.
        task = getattr(self.instance, "task", "")
        if task and task in dict(self.fields["regtask"].widget.choices):
            self.fields["regtask"].initial = task


class _SchedulesByName:
    """The schedule selects of a task show each schedule in words."""

    DESCRIBE = {
        "crontab": crontab_description,
        "interval": interval_description,
        "solar": solar_description,
        "clocked": clocked_description,
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        describe = self.DESCRIBE.get(db_field.name)
        if field is not None and describe is not None:
            field.label_from_instance = describe
        return field


class PeriodicTaskAdmin(_SchedulesByName, beat_admin.PeriodicTaskAdmin):
    form = PeriodicTaskForm
    list_display = (
        "name",
        "enabled",
        "task_description",
        "schedule_text",
        "last_run_at",
        "one_off",
    )
    list_filter = ["enabled", "one_off", TaskFilter, "start_time", "last_run_at"]
    fieldsets = (
        (
            None,
            {
                "fields": ("name", "regtask", "task", "enabled", "description"),
                "classes": ("extrapretty", "wide"),
            },
        ),
        (
            _("计划"),
            {
                "fields": (
                    "interval",
                    "crontab",
                    "crontab_translation",
                    "solar",
                    "clocked",
                    "start_time",
                    "last_run_at",
                    "one_off",
                ),
                "classes": ("extrapretty", "wide"),
            },
        ),
        (
            _("参数"),
            {"fields": ("args", "kwargs"), "classes": ("extrapretty", "wide", "collapse", "in")},
        ),
        (
            _("执行选项"),
            {
                "fields": (
                    "expires",
                    "expire_seconds",
                    "queue",
                    "exchange",
                    "routing_key",
                    "priority",
                    "headers",
                ),
                "classes": ("extrapretty", "wide", "collapse", "in"),
            },
        ),
    )

    @admin.display(description=_("任务"), ordering="task")
    def task_description(self, obj: PeriodicTask) -> str:
        return format_html('<span title="{}">{}</span>', obj.task, task_label(obj.task))

    @admin.display(description=_("计划"))
    def schedule_text(self, obj: PeriodicTask) -> str:
        return schedule_description(obj)

    @admin.display(description=_("计划含义"))
    def crontab_translation(self, obj: PeriodicTask) -> str:
        return crontab_description(obj.crontab) if obj.crontab_id else "—"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # django-celery-beat's own view puts its English crontab descriptions in the page (for
        # static/js/periodic_task_form.js): the same context, in Chinese.
        extra_context = dict(extra_context or {})
        extra_context["readable_crontabs"] = {
            crontab.pk: crontab_description(crontab) for crontab in CrontabSchedule.objects.all()
        }
        return admin.ModelAdmin.changeform_view(
            self, request, object_id, form_url, extra_context=extra_context
        )


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    fields = ("name", "task_description", "args", "kwargs")
    readonly_fields = fields
    verbose_name = _("使用此计划的周期性任务")
    verbose_name_plural = verbose_name

    @admin.display(description=_("任务"))
    def task_description(self, obj: PeriodicTask) -> str:
        return task_label(obj.task)

    def get_queryset(self, request):
        # Each row's title (PeriodicTask.__str__) names its schedule: fetched with the rows.
        return (
            super().get_queryset(request).select_related("interval", "crontab", "solar", "clocked")
        )


class _ScheduleAdmin(admin.ModelAdmin):
    inlines = [PeriodicTaskInline]


def _zone_names() -> dict[str, str]:
    return {settings.TIME_ZONE: gettext("北京时间"), "UTC": gettext("协调世界时")}


def time_zone_label(zone: Any) -> str:
    """北京时间（Asia/Shanghai）; another zone by its own name."""
    name = _zone_names().get(str(zone))
    return "%s（%s）" % (name, zone) if name else str(zone)


def _time_zone_choices() -> list[tuple[str, str]]:
    """The portal's zone and UTC by name, and any other zone a stored schedule already uses
    (rather than the world's 600 zones, which only invite a wrong pick)."""
    zones = dict.fromkeys(_zone_names())
    zones.update(
        dict.fromkeys(
            str(zone) for zone in CrontabSchedule.objects.values_list("timezone", flat=True)
        )
    )
    return [(zone, time_zone_label(zone)) for zone in zones]


class CrontabScheduleAdmin(_ScheduleAdmin, beat_admin.CrontabScheduleAdmin):
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "timezone":
            return forms.ChoiceField(
                label=db_field.verbose_name,
                choices=_time_zone_choices,
                initial=settings.TIME_ZONE,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    list_display = ("description", "expression", "zone")
    fields = (
        "description",
        "minute",
        "hour",
        "day_of_month",
        "month_of_year",
        "day_of_week",
        "timezone",
    )
    readonly_fields = ("description",)

    @admin.display(description=_("含义"))
    def description(self, obj: CrontabSchedule) -> str:
        return crontab_description(obj) if obj.pk else "—"

    @admin.display(description=_("时区"), ordering="timezone")
    def zone(self, obj: CrontabSchedule) -> str:
        return time_zone_label(obj.timezone)

    @admin.display(description=_("表达式（分 时 日 月 周）"))
    def expression(self, obj: CrontabSchedule) -> str:
        return crontab_expression(obj)


class IntervalScheduleAdmin(_ScheduleAdmin, beat_admin.IntervalScheduleAdmin):
    list_display = ("description",)

    @admin.display(description=_("间隔"))
    def description(self, obj: IntervalSchedule) -> str:
        return interval_description(obj)


class SolarScheduleAdmin(_ScheduleAdmin, beat_admin.SolarScheduleAdmin):
    list_display = ("description",)

    @admin.display(description=_("计划"))
    def description(self, obj: SolarSchedule) -> str:
        return solar_description(obj)


class ClockedScheduleAdmin(_ScheduleAdmin, beat_admin.ClockedScheduleAdmin):
    list_display = ("description",)

    @admin.display(description=_("定时"))
    def description(self, obj: ClockedSchedule) -> str:
        return clocked_description(obj)


def register(site: Any = admin.site) -> None:
    """Replace django-celery-beat's admins with the ones above."""
    for model, model_admin in (
        (PeriodicTask, PeriodicTaskAdmin),
        (CrontabSchedule, CrontabScheduleAdmin),
        (IntervalSchedule, IntervalScheduleAdmin),
        (SolarSchedule, SolarScheduleAdmin),
        (ClockedSchedule, ClockedScheduleAdmin),
    ):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
