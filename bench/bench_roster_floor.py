"""The roster import against its floor, as whole processes on PostgreSQL (issue 17, item 1).

Usage:
    DATABASE_URL=postgres://portal:portal@127.0.0.1:5432/portal_floor \
        .venv/bin/python bench/bench_roster_floor.py [--rows 100000] [--profile DIR | --sample DIR]

In one run, on a throwaway database (test_<name>):
- the floor: a child process that reads every row of the file with python-calamine and COPYs
  them into a bare temporary table (no Django, no checks);
- `manage.py import_roster FILE --enterprise USCC --json` as a child process, for a first upload
  into an empty enterprise, then for a re-upload of the same size with 10% of rows changed.
Each child's wall time and peak memory (see run_child), and the ratios to the floor (target:
within 3.5×, peak RSS under 400 MB). With --profile DIR each command also runs under cProfile
(its timings are then not comparable) and writes DIR/first.prof and DIR/changed.prof; with
--sample DIR pyinstrument samples it instead (little overhead), into DIR/first.txt and
DIR/changed.txt. With --transfers the first roster is then uploaded into a second enterprise
as well: everyone on it is employed by the first, so every row becomes a transfer request.
"""

import argparse
import json
import os
import subprocess  # nosec B404 # our own interpreter with our own arguments
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run as a child with --floor FILE: calamine + COPY only, printing seconds.
FLOOR_SCRIPT = """
import os, sys, time, resource
start = time.perf_counter()
import psycopg
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
rows = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
width = max(len(r) for r in rows)
with psycopg.connect(os.environ["FLOOR_DSN"]) as conn:
    with conn.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE floor_rows (%s)"
                    % ", ".join("c%d text" % i for i in range(width)))
        with cur.copy("COPY floor_rows FROM STDIN") as copy:
            for r in rows:
                copy.write_row([None if v == "" else str(v) for v in r]
                               + [None] * (width - len(r)))
        cur.execute("SELECT count(*) FROM floor_rows")
        count = cur.fetchone()[0]
print(count, time.perf_counter() - start)
"""


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a child under /usr/bin/time -v: (wall seconds, peak memory MB, stdout).

    The import forks a helper for calamine's parse (imports.reading.forked), and time -v gives
    only the larger of the two peaks. So the process tree is also sampled every 50 ms, summing
    each process's proportional set size (a page two processes share counts half in each): the
    peak returned is the larger of the two figures."""
    import threading

    import psutil

    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603  # nosec B603 # fixed argument list
        ["/usr/bin/time", "-v", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    tree_peak = [0]

    def sample() -> None:
        root = psutil.Process(child.pid)
        while child.poll() is None:
            total = 0
            try:
                for proc in root.children(recursive=True):
                    try:
                        total += proc.memory_full_info().pss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            tree_peak[0] = max(tree_peak[0], total)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = child.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if child.returncode:
        sys.stderr.write(stderr[-3000:])
        raise SystemExit("child failed: %s" % " ".join(args[:4]))
    peak_kb = next(
        int(line.split(":")[1])
        for line in stderr.splitlines()
        if "Maximum resident set size" in line
    )
    return wall, max(peak_kb / 1024, tree_peak[0] / 2**20), stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--profile", help="folder for cProfile output of each command run")
    parser.add_argument(
        "--sample", help="folder for pyinstrument's sampled profile (text) of each command run"
    )
    parser.add_argument(
        "--transfers",
        action="store_true",
        help="also upload the first roster into a second enterprise (every row a transfer)",
    )
    args = parser.parse_args()

    # Django is set up only in this parent process: the children start from nothing.
    from common import throwaway_database
    from django.conf import settings
    from django.db import connection

    from enterprises.models import Enterprise, Village
    from tests.factories import make_uscc

    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark needs DATABASE_URL pointing at PostgreSQL")
    settings.DEBUG = False
    with throwaway_database() as folder:
        db = connection.settings_dict
        url = "postgres://%s:%s@%s:%s/%s" % (
            db["USER"],
            db["PASSWORD"],
            db["HOST"] or "127.0.0.1",
            db["PORT"] or 5432,
            db["NAME"],
        )
        village = Village.objects.create(name="测试村")
        uscc = make_uscc(90001)
        Enterprise.objects.create(uscc=uscc, name="企业%d" % args.rows, village=village)
        transfers_uscc = make_uscc(90002) if args.transfers else None
        if transfers_uscc:
            Enterprise.objects.create(uscc=transfers_uscc, name="调入企业", village=village)
        connection.close()  # the children write; this process holds no lock or transaction
        measure(url, uscc, Path(folder), args.rows, args.profile, args.sample, transfers_uscc)


def measure(
    url: str,
    uscc: str,
    folder: Path,
    rows: int,
    profile: str | None = None,
    sample: str | None = None,
    transfers_uscc: str | None = None,
) -> dict[str, tuple[float, float]]:
    """The floor and the two imports into the (empty) enterprise `uscc` of the database at
    `url`, files and media in `folder`: {label: (seconds, peak RSS MB)}, printed as it goes.
    bench/bench_scale.py calls it against a database of millions of workers."""
    from bench_roster import build

    first, changed = folder / "first.xlsx", folder / "changed.xlsx"
    build(first, rows)
    build(changed, rows, changed_share=0.1, seed=2)
    # The portal's modules as the image ships them, compiled (Dockerfile): with
    # PYTHONDONTWRITEBYTECODE set, each command would otherwise compile them as it starts.
    subprocess.run(  # noqa: S603  # nosec B603 # fixed argument list
        [sys.executable, "-m", "compileall", "-q", "-x", r"[/\\]\.venv[/\\]", str(ROOT)],
        check=True,
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FLOOR_DSN": url.replace("postgres://", "postgresql://"),
        "MEDIA_ROOT": str(folder),
        "DEBUG": "false",
    }
    print("rows: %d, file: %.1f MB" % (rows, first.stat().st_size / 2**20), flush=True)

    wall, peak, out = run_child([sys.executable, "-c", FLOOR_SCRIPT, str(first)], env)
    count, _inner = out.split()
    assert int(count) == rows + 2, count  # title and header rows too
    floor = wall
    results = {"floor": (wall, peak)}
    print("floor (calamine + COPY)     %6.2f s  peak RSS %5.0f MB" % (wall, peak), flush=True)

    runs = [("first upload", first, uscc, "first"), ("10% changed", changed, uscc, "changed")]
    if transfers_uscc:
        # Everyone on the roster is employed by the first enterprise: each row is a transfer
        # request for staff (no target in the issue; reported so that it stays set-based).
        runs.append(("transfers", first, transfers_uscc, "transfers"))
    for label, path, enterprise, name in runs:
        command = [str(ROOT / "manage.py"), "import_roster", str(path)]
        command += ["--enterprise", enterprise, "--json"]
        if profile:
            prof = Path(profile, "%s.prof" % name)
            command = ["-m", "cProfile", "-o", str(prof), *command]
        elif sample:
            report = Path(sample, "%s.txt" % name)
            command = ["-m", "pyinstrument", "-r", "text", "-o", str(report), *command]
        wall, peak, out = run_child([sys.executable, *command], env)
        result = json.loads(out.strip().splitlines()[-1])
        assert result["applied"], result["errors"][:3]
        c = result["counts"]
        results[label] = (wall, peak)
        print(
            "import_roster %-13s %6.2f s  peak RSS %5.0f MB  %.2f× floor  "
            "(created %d updated %d unchanged %d)"
            % (label, wall, peak, wall / floor, c["created"], c["updated"], c["unchanged"]),
            flush=True,
        )
    return results


if __name__ == "__main__":
    main()
