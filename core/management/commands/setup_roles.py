from typing import Any

from django.core.management.base import BaseCommand

from core.roles import roles_setup


class Command(BaseCommand):
    help = "创建或更新各角色（用户组）及其权限，可重复运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        for role, count in roles_setup().items():
            self.stdout.write("%s：%s 项权限" % (role, count))
