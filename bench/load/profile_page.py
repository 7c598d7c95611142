"""Where one page of the load test spends its time, on the data the load test left behind.

Usage, after `bench/load/run_load.py --keep` (which writes bench/out/load/portal.env):
    .venv/bin/python bench/load/profile_page.py /unions/ --user load-union-01 [--repeat 5]

Renders the page through Django's test client as that user (cache as the run left it, warm
after the first render), prints each render's time, its SQL queries and their time, the
slowest queries, and a cProfile of the last render (top functions by cumulative time).
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ENV_FILE = ROOT / "bench" / "out" / "load" / "portal.env"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--user", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--queries", action="store_true", help="list every query of the last render, in order"
    )
    parser.add_argument(
        "--env-file", type=Path, default=ENV_FILE, help="portal.env of run_load.py's --out"
    )
    args = parser.parse_args()
    for line in args.env_file.read_text().splitlines():
        key, _sep, value = line.partition("=")
        os.environ[key] = value
    os.environ.update(
        {
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianzhou_reform.settings")
    os.environ["STATIC_ROOT"] = str(args.env_file.resolve().parent / "static")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=args.user))
    queries: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append((time.perf_counter() - began, sql))

    profile = cProfile.Profile()
    with connection.execute_wrapper(timed):
        for n in range(args.repeat):
            queries.clear()
            last = n == args.repeat - 1
            if last:
                profile.enable()
            began = time.perf_counter()
            response = client.get(args.url)
            spent = time.perf_counter() - began
            if last:
                profile.disable()
            print(
                "render %d: %.3f s, status %d, %d queries in %.3f s"
                % (n + 1, spent, response.status_code, len(queries), sum(q[0] for q in queries))
            )
    if args.queries:
        print("\nevery query of the last render:")
        for n, (spent, sql) in enumerate(queries, 1):
            print("  %2d %.4f s  %s" % (n, spent, sql[:240]))
    print("\nslowest queries of the last render:")
    for spent, sql in sorted(queries, reverse=True)[:8]:
        print("  %.4f s  %s" % (spent, sql[:300]))
    print()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
