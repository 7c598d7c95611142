import datetime

import factory
from django.contrib.auth import get_user_model
from stdnum.cn import ric, uscc

from enterprises.models import Enterprise, IndustrialPark, Village
from workers.models import Employment, Worker


def make_uscc(n: int) -> str:
    body = "91330683MA2T%05d" % n
    return body + uscc.calc_check_digit(body)


def make_id_number(
    n: int, birth: datetime.date = datetime.date(1980, 5, 17), sex: str = "M"
) -> str:
    """A valid 嵊州市 (330683) number; the sequence digit's parity gives the sex."""
    sequence = (n % 400) * 2 + (1 if sex == "M" else 2)
    body = "330683%s%03d" % (birth.strftime("%Y%m%d"), sequence)
    return body + ric.calc_check_digit(body + "0")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: "user%d" % n)
    password = factory.django.Password("pw-for-tests")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: "测试村%d" % n)


class IndustrialParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustrialPark
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: "测试园区%d" % n)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(make_uscc)
    name = factory.Sequence(lambda n: "测试企业%d有限公司" % n)
    village = factory.SubFactory(VillageFactory)
    is_above_scale = False


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    id_number = factory.Sequence(
        lambda n: make_id_number(n, datetime.date(1970 + n % 30, 1 + n % 12, 1 + n % 28))
    )
    name = factory.Sequence(lambda n: "职工%d" % n)
    phone = factory.Sequence(lambda n: "138%08d" % n)


class EmploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employment

    worker = factory.SubFactory(WorkerFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    position = "操作工"
    is_frontline = True
    hire_date = datetime.date(2020, 3, 1)
