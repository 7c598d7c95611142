"""50 people browsing the portal while 5 HR accounts upload rosters and staff ask for reports.

Run by bench/load/run_load.py (which seeds the accounts and writes seed.json, named by
LOAD_SEED). Each simulated user signs in with its own account, then browses its role's pages
with a few seconds between clicks; requests are named by the kind of page ("home", "workers
list", "union dashboard", …) so the figures come per kind. The five uploaders each take their
roster file through HR's real upload page once: the form, the file posted with its CSRF token,
the preview page, its status JSON polled until previewed, the confirm, polled until applied.
Every response but a 200 (after redirects) is a failure.
"""

import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

SEED = json.loads(Path(os.environ["LOAD_SEED"]).read_text())
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RUN_LINK = re.compile(r'href="/reports/runs/(\d+)/"')
# How long an uploader waits for its preview and its apply before counting a failure.
UPLOAD_PATIENCE_SECONDS = float(os.environ.get("LOAD_UPLOAD_PATIENCE", "150"))
POLL_SECONDS = 1.0
# People do not all sign in within the same few seconds: each arrives within this many.
ARRIVAL_SECONDS = float(os.environ.get("LOAD_ARRIVAL_SECONDS", "60"))
# Every request, one line each (run_load.py computes exact percentiles from it, for the
# whole run and for the part after everybody has signed in).
LOG = Path(os.environ["LOAD_REQUESTS_LOG"]).open("w", buffering=1)


@events.request.add_listener
def _logged(request_type, name, response_time, exception, **kwargs) -> None:
    LOG.write(
        "%.3f\t%s\t%s\t%.1f\t%d\n"
        % (time.time(), request_type, name, response_time, exception is not None)
    )


class Portal(HttpUser):
    """A signed-in user of one role; subclasses say which accounts and pages."""

    abstract = True
    wait_time = between(1, 5)
    role = ""
    taken: dict[str, int] = {}

    def on_start(self) -> None:
        names = SEED["accounts"][self.role]
        index = Portal.taken.get(self.role, 0)
        Portal.taken[self.role] = index + 1
        self.username = names[index % len(names)]
        time.sleep(random.uniform(0, ARRIVAL_SECONDS))
        self.login()

    def login(self) -> None:
        token = self.csrf_of("/accounts/login/", "login form")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": SEED["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            catch_response=True,
        ) as response:
            # A good login is redirected home; a refused one is the form again (200).
            if not response.history or response.url.rstrip("/") != self.host.rstrip("/"):
                response.failure("login refused for %s" % self.username)

    def csrf_of(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            found = CSRF.search(response.text or "")
            if response.status_code != 200 or not found:
                response.failure("no form at %s (%s)" % (url, response.status_code))
                return ""
            return found.group(1)

    def page(self, name: str, url: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                # Status 0: no response at all; the exception says why (reset, refused, …).
                error = " %r" % response.error if response.error else ""
                response.failure("%s %s%s" % (response.status_code, url, error))
            elif response.url.rstrip("/").endswith("/accounts/login"):
                response.failure("signed out at %s" % url)
            return response.text or ""


class Staff(Portal):
    role = "staff"
    fixed_count = len(SEED["accounts"]["staff"])
    requested = False

    @task(3)
    def home(self) -> None:
        self.page("home", "/")

    @task(3)
    def workers_list(self) -> None:
        self.page("workers list", "/workers/?page=%d" % random.randint(1, 20))

    @task(2)
    def worker_detail(self) -> None:
        self.page("worker detail", "/workers/%d/" % random.choice(SEED["workers"]))

    @task(2)
    def union_dashboard(self) -> None:
        self.page("union dashboard", "/unions/")

    @task(2)
    def union_enterprises(self) -> None:
        self.page("union enterprise list", "/unions/enterprises/")

    @task(2)
    def report_figures(self) -> None:
        self.page("report figures", "/reports/")

    @task(1)
    def roster_enterprises(self) -> None:
        self.page("roster home", "/workers/roster/")

    @task(1)
    def roster_page(self) -> None:
        self.page("roster page", "/workers/roster/%d/" % random.choice(SEED["enterprises"]))

    @task(1)
    def skills(self) -> None:
        self.page("skills report", "/training/skills/")

    @task(1)
    def funds(self) -> None:
        self.page("fund compliance", "/training/funds/compliance/")

    @task(1)
    def compliance(self) -> None:
        self.page("compliance pending", "/compliance/pending/")

    @task(1)
    def honours(self) -> None:
        self.page("honour rounds", "/honors/rounds/")

    @task(1)
    def admin_workers(self) -> None:
        self.page("admin workers list", "/admin/workers/worker/")

    @task(1)
    def admin_enterprises(self) -> None:
        self.page("admin enterprises list", "/admin/enterprises/enterprise/")

    @task(1)
    def report_request(self) -> None:
        """Each staff user asks for the current quarter's report once (a repeat while one is
        being built returns that one); afterwards this is another look at the figures."""
        if self.requested:
            self.page("report figures", "/reports/")
            return
        self.requested = True
        token = self.csrf_of("/reports/", "report figures")
        with self.client.post(
            "/reports/request/",
            data={**SEED["report"], "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/reports/"},
            name="report request",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.history:
                response.failure("report request answered %s" % response.status_code)


class HumanResources(Portal):
    role = "hr"
    fixed_count = len(SEED["accounts"]["hr"])

    def on_start(self) -> None:
        super().on_start()
        own = SEED["hr"][self.username]
        self.enterprise, self.workers = own["enterprise"], own["workers"]

    @task(3)
    def home(self) -> None:
        self.page("home", "/")

    @task(3)
    def workers_list(self) -> None:
        self.page("workers list", "/workers/")

    @task(2)
    def worker_detail(self) -> None:
        self.page("worker detail", "/workers/%d/" % random.choice(self.workers))

    @task(2)
    def roster_page(self) -> None:
        self.page("roster page", "/workers/roster/%d/" % self.enterprise)

    @task(1)
    def training_funds(self) -> None:
        self.page("training funds", "/training/funds/")

    @task(1)
    def training_records(self) -> None:
        self.page("training records", "/training/records/")

    @task(1)
    def compliance(self) -> None:
        self.page("compliance home", "/compliance/")

    @task(1)
    def nominations(self) -> None:
        self.page("honour nominations", "/honors/nominations/")

    @task(1)
    def notices(self) -> None:
        self.page("notices", "/notices/")


class UnionOfficer(Portal):
    role = "union"
    fixed_count = len(SEED["accounts"]["union"])

    @task(3)
    def home(self) -> None:
        self.page("home", "/")

    @task(3)
    def union_dashboard(self) -> None:
        self.page("union dashboard", "/unions/")

    @task(3)
    def union_enterprises(self) -> None:
        self.page(
            "union enterprise list",
            random.choice(["/unions/enterprises/", "/unions/enterprises/?below=80"]),
        )

    @task(2)
    def workers_list(self) -> None:
        self.page("workers list", "/workers/?page=%d" % random.randint(1, 20))

    @task(1)
    def worker_detail(self) -> None:
        self.page("worker detail", "/workers/%d/" % random.choice(SEED["workers"]))

    @task(1)
    def party(self) -> None:
        self.page("party organisation", "/party/")

    @task(1)
    def compliance(self) -> None:
        self.page("compliance pending", "/compliance/pending/")

    @task(1)
    def craftsmen(self) -> None:
        self.page("craftsmen", "/honors/craftsmen/")

    @task(1)
    def admin_unions(self) -> None:
        self.page("admin unions list", "/admin/unions/unionorganisation/")


class Official(Portal):
    role = "official"
    fixed_count = len(SEED["accounts"]["official"])

    @task(3)
    def home(self) -> None:
        self.page("home", "/")

    @task(4)
    def report_figures(self) -> None:
        self.page("report figures", "/reports/")

    @task(2)
    def earlier_quarter(self) -> None:
        self.page("report figures", "/reports/?quarter=%s" % SEED["previous_quarter"])

    @task(2)
    def report_run(self) -> None:
        """The newest report the figures page lists (the staff's requests make new ones)."""
        runs = RUN_LINK.findall(self.page("report figures", "/reports/"))
        if runs:
            self.page("report run", "/reports/runs/%s/" % max(runs, key=int))


class Uploader(Portal):
    """An HR account that uploads its roster once, then looks at its roster page."""

    role = "uploader"
    fixed_count = len(SEED["accounts"]["uploader"])
    done = False

    def on_start(self) -> None:
        super().on_start()
        own = SEED["uploads"][self.username]
        self.enterprise, self.file = own["enterprise"], Path(own["file"])
        # Start while the others browse, not all in the same second.
        time.sleep(random.uniform(5, 20))

    @task
    def upload_or_look(self) -> None:
        if self.done:
            self.page("roster page", "/workers/roster/%d/" % self.enterprise)
            return
        self.done = True
        self.upload()

    def upload(self) -> None:
        form = "/workers/roster/%d/" % self.enterprise
        token = self.csrf_of(form, "roster page")
        with (
            self.file.open("rb") as content,
            self.client.post(
                form,
                data={"csrfmiddlewaretoken": token},
                files={"file": (self.file.name, content, "application/octet-stream")},
                headers={"Referer": self.host + form},
                name="roster upload",
                catch_response=True,
            ) as response,
        ):
            match = re.search(r"/workers/roster/uploads/(\d+)/$", response.url)
            if response.status_code != 200 or not match:
                response.failure("upload answered %s at %s" % (response.status_code, response.url))
                return
        pk = int(match.group(1))
        page = "/workers/roster/uploads/%d/" % pk
        if not self.wait_for(pk, "validated", "preview"):
            return
        token = CSRF.search(self.page("upload preview page", page))
        with self.client.post(
            page + "confirm/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "confirm_departures": "on",
            },
            headers={"Referer": self.host + page},
            name="roster confirm",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not response.url.endswith(page):
                response.failure("confirm answered %s" % response.status_code)
                return
        if self.wait_for(pk, "applied", "apply"):
            self.page("upload preview page", page)

    def wait_for(self, pk: int, status: str, step: str) -> bool:
        """Poll the upload's status JSON (as its page does) until `status`; a failure if it
        ends anywhere else or takes longer than UPLOAD_PATIENCE_SECONDS."""
        url = "/workers/roster/uploads/%d/progress/" % pk
        began = time.monotonic()
        while True:
            with self.client.get(url, name="upload status", catch_response=True) as response:
                try:
                    state = response.json()
                except ValueError:
                    response.failure("status is not JSON (%s)" % response.status_code)
                    return False
                if state["status"] == status:
                    # Not a request: how long the worker took, as the uploader waited for it.
                    events.request.fire(
                        request_type="WAIT",
                        name="roster %s in the background" % step,
                        response_time=(time.monotonic() - began) * 1000,
                        response_length=0,
                        exception=None,
                        context={},
                    )
                    return True
                if not state["in_progress"]:
                    response.failure("upload %d ended %s during %s" % (pk, state["status"], step))
                    return False
                if time.monotonic() - began > UPLOAD_PATIENCE_SECONDS:
                    response.failure("upload %d still %s" % (pk, state["status"]))
                    return False
            time.sleep(POLL_SECONDS)
