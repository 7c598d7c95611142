"""Time the union officers' coverage dashboard on a city-sized register (issue 4: under 1 s for
3,000 enterprises and 1,000,000 workers on PostgreSQL).

Usage:
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal \\
        .venv/bin/python bench/bench_union_dashboard.py [--enterprises 3000] [--workers 1000000]

Builds the data with COPY in a throwaway test database (villages, parks, enterprises, unions
covering about 70% of them with some coverage ended, workers with 5% departed jobs and some
transfers), then renders the dashboard page and the first page of the enterprise list through
Django's test client as a union officer, several times, and prints the timings.
"""

import argparse
import datetime
import random
import statistics
import time

from common import peak_mb, throwaway_database  # sets up Django first
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone

from core.roles import Role, roles_setup
from enterprises.models import Enterprise, IndustrialPark, Village
from imports.bulk import insert_rows
from tests.factories import make_uscc
from unions.models import UnionCoverage, UnionOrganisation
from workers.figures import figures_changed, figures_warm
from workers.models import Employment, Worker

LEVELS = ["", "", "junior", "intermediate", "senior", "technician"]
STATUSES = ["masses", "masses", "masses", "party_member", "probationary_member", "league_member"]


def build(enterprise_count: int, worker_count: int, large: int = 0) -> None:
    """The register; with `large`, the first enterprise employs the first `large` workers (one
    big employer among enterprises of ordinary size: bench/bench_scale.py's roster page)."""
    rng = random.Random(4)
    now = timezone.now()
    villages = [Village.objects.create(name="村%02d" % i) for i in range(40)]
    parks = [IndustrialPark.objects.create(name="园区%d" % i) for i in range(4)]
    insert_rows(
        Enterprise,
        (
            "uscc",
            "name",
            "village_id",
            "park_id",
            "is_above_scale",
            "industry",
            "legal_representative",
            "phone",
            "created_at",
            "updated_at",
        ),
        (
            (
                make_uscc(i),
                "企业%05d" % i,
                rng.choice(villages).pk,
                rng.choice(parks).pk if i % 3 == 0 else None,
                i % 10 == 0,
                "",
                "",
                "",
                now,
                now,
            )
            for i in range(enterprise_count)
        ),
    )
    enterprise_ids = list(Enterprise.objects.values_list("pk", flat=True))
    joint = [
        UnionOrganisation.objects.create(name="联合工会%02d" % i, kind="joint") for i in range(40)
    ]
    coverages = []
    for index, enterprise_id in enumerate(enterprise_ids):
        if index % 10 < 7:
            union = joint[index % len(joint)]
            ended = datetime.date(2025, 6, 30) if index % 50 == 0 else None
            coverages.append(
                UnionCoverage(
                    union=union,
                    enterprise_id=enterprise_id,
                    start_date=datetime.date(2020, 1, 1),
                    end_date=ended,
                )
            )
    UnionCoverage.objects.bulk_create(coverages, batch_size=2000)

    birth = datetime.date(1970, 1, 1)
    insert_rows(
        Worker,
        (
            "id_number",
            "name",
            "sex",
            "birth_date",
            "phone",
            "education",
            "political_status",
            "skill_level",
            "is_union_member",
            "union_joined_on",
            "remarks",
            "created_at",
            "updated_at",
        ),
        (
            (
                "W%017d" % i,
                "职工%d" % i,
                "M" if i % 2 else "F",
                birth,
                "",
                "",
                STATUSES[i % len(STATUSES)],
                LEVELS[i % len(LEVELS)],
                i % 3 != 0,
                datetime.date(2021, 1, 1) if i % 3 != 0 else None,
                "",
                now,
                now,
            )
            for i in range(worker_count)
        ),
    )
    first_worker = Worker.objects.order_by("pk").values_list("pk", flat=True).first()
    hired = datetime.date(2019, 3, 1)
    left = datetime.date(2024, 5, 1)

    def jobs():
        for i in range(worker_count):
            worker_id = first_worker + i
            enterprise_id = enterprise_ids[rng.randrange(len(enterprise_ids))]
            if i < large:
                enterprise_id = enterprise_ids[0]
            departed = left if i % 20 == 0 else None
            yield (worker_id, enterprise_id, "操作工", i % 4 != 0, "", hired, departed, now, now)
            if departed:  # moved to another enterprise
                other = enterprise_ids[rng.randrange(len(enterprise_ids))]
                yield (worker_id, other, "操作工", True, "", left, None, now, now)
            elif i % 100 == 7:  # 1% hold a second job at the same time, elsewhere
                other = enterprise_id
                while other == enterprise_id:
                    other = enterprise_ids[rng.randrange(len(enterprise_ids))]
                yield (worker_id, other, "兼职", i % 2 == 0, "", hired, None, now, now)

    insert_rows(
        Employment,
        (
            "worker_id",
            "enterprise_id",
            "position",
            "is_frontline",
            "contract_type",
            "hire_date",
            "departure_date",
            "created_at",
            "updated_at",
        ),
        jobs(),
    )
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: statistics and the visibility map (index-only
        # scans of the employment index).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings.DEBUG = False
    # Production settings: HTTPS only (the test client asks with secure=True) and pages render
    # without collected static files (their manifest is a deployment step).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with throwaway_database():
        start = time.perf_counter()
        build(args.enterprises, args.workers)
        print(
            "built %d enterprises, %d workers in %.1f s"
            % (args.enterprises, args.workers, time.perf_counter() - start),
            flush=True,
        )
        roles_setup()
        user = get_user_model().objects.create(username="union-bench", is_staff=True)
        user.groups.add(Group.objects.get(name=Role.UNION_OFFICER))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        today = timezone.localdate().isoformat()
        cached = bool(settings.FIGURES_CACHE_SECONDS)
        print("figures cache: %s" % ("on (Redis)" if cached else "off"), flush=True)
        for label, url in [
            ("dashboard", "/unions/?as_of=%s&below=80" % today),
            ("enterprise list, low membership", "/unions/enterprises/?as_of=%s&below=80" % today),
            ("enterprise list, uncovered", "/unions/enterprises/?as_of=%s&covered=0" % today),
        ]:
            # Cold: the data changed just before (every render computes the figures afresh).
            # Warm: nothing changed since the last render (cached figures, when Redis is set).
            for state in ("cold", "warm") if cached else ("cold",):
                timings = []
                for _ in range(args.repeat):
                    if state == "cold":
                        figures_changed()
                    begin = time.perf_counter()
                    response = client.get(url, secure=True)
                    timings.append(time.perf_counter() - begin)
                    assert response.status_code == 200, response.status_code
                print(
                    "%-34s %s  median %.3f s  best %.3f s  worst %.3f s  peak RSS %.0f MB"
                    % (
                        label,
                        state,
                        statistics.median(timings),
                        min(timings),
                        max(timings),
                        peak_mb(),
                    ),
                    flush=True,
                )
        if cached:
            # What a union officer sees after a roster upload: the upload's commit queues the
            # warm-up task (workers.tasks.figures_warm_task), a worker computes today's figures,
            # then the page is opened. Run here in-process, timed apart from the page.
            warmups, renders = [], []
            for _ in range(args.repeat):
                figures_changed()
                begin = time.perf_counter()
                figures_warm(timezone.localdate())
                warmups.append(time.perf_counter() - begin)
                begin = time.perf_counter()
                response = client.get("/unions/?as_of=%s&below=80" % today, secure=True)
                renders.append(time.perf_counter() - begin)
                assert response.status_code == 200, response.status_code
            print(
                "after a write: warm-up task median %.3f s, then dashboard median %.3f s"
                % (statistics.median(warmups), statistics.median(renders)),
                flush=True,
            )


if __name__ == "__main__":
    main()
