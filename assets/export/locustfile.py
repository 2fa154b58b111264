"""Load test for __CLIENT__, written by `launch-ready export locust` from the session
`__SESSION__`. Each user calls the session's routes in turn; at the end the run is judged
against the runbook's budgets (p95 per route, error rate overall) and the exit code says
whether it held: 0 within budget, 1 over it.

    locust -f locustfile.py --headless -u __USERS__ -r __USERS__ -t 5m

Auth headers are read from the environment variables named below (never from this file).
Locust resolves names through the system; a custom CA goes in REQUESTS_CA_BUNDLE.
"""

import json
import logging
import os

from locust import HttpUser, between, events

PLAN = json.loads(__PLAN_JSON__)


def _task(route):
    def call(user):
        headers = dict(route["headers"])
        auth = route.get("auth")
        if auth and os.environ.get(auth["env"]):
            headers[auth["header"]] = os.environ[auth["env"]]
        with user.client.request(
            route["method"],
            route["url"],
            name=route["name"],
            headers=headers,
            data=route.get("body"),
            allow_redirects=False,
            catch_response=True,
        ) as resp:
            # As the product's own load check counts errors: no answer, or a 5xx.
            if resp.status_code == 0 or resp.status_code >= 500:
                resp.failure("status %s" % resp.status_code)
            else:
                resp.success()

    call.__name__ = "route_" + "".join(c if c.isalnum() else "_" for c in route["name"])
    return call


class LaunchReadyUser(HttpUser):
    host = PLAN["host"]
    wait_time = between(PLAN["wait_s"][0], PLAN["wait_s"][1])
    tasks = [_task(r) for r in PLAN["routes"]]


def over_budget(stats):
    """The budget breaches of a finished run, one line each."""
    problems = []
    for route in PLAN["routes"]:
        s = stats.get(route["name"], route["method"])
        if s.num_requests == 0:
            problems.append("%s: no request completed" % route["name"])
            continue
        p95 = s.get_response_time_percentile(0.95)
        if p95 > route["p95_budget_ms"]:
            problems.append(
                "%s: p95 %.0f ms over its %d ms budget" % (route["name"], p95, route["p95_budget_ms"])
            )
    total = stats.total
    if total.num_requests:
        rate = 100.0 * total.num_failures / total.num_requests
        if rate > PLAN["error_rate_pct"]:
            problems.append(
                "error rate %.2f %% over the %.2f %% budget" % (rate, PLAN["error_rate_pct"])
            )
    return problems


@events.quitting.add_listener
def judge(environment, **_kwargs):
    problems = over_budget(environment.stats)
    for p in problems:
        logging.error("launch-ready budget: %s", p)
    if not problems:
        logging.info("launch-ready budget: every route within budget")
    environment.process_exit_code = 1 if problems else 0
