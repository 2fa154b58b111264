r"""Load test for __CLIENT__, written by `launch-ready export locust` from the session
`__SESSION__`. One user class calls the session's routes in turn; each session flow is a
user class of its own whose iteration sends the flow's steps in order and stops at the
first that fails. At the end the run is judged against the runbook's budgets (p95 per
route and per flow step, error rate overall) and the exit code says whether it held:
0 within budget, 1 over it, 2 when a variable a flow needs is not set.

    locust -f locustfile.py --headless -u __USERS__ -r __USERS__ -t 5m

Locust shares the users evenly between the routes' class (when there are routes) and each
flow's class, and gives every class at least one user when there are as many users as
classes. A flow's steps are
rows in Locust's stats named `flow › step`.

Values come from these environment variables, never from this file:
__VARIABLES__

Locust resolves names through the system. A custom CA bundle goes in REQUESTS_CA_BUNDLE
(it replaces the default roots): Locust's sessions ignore that variable, so this file reads
it and hands it to every request.
"""

import html.parser
import json
import logging
import os
import sys
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, between, events

PLAN = json.loads(__PLAN_JSON__)

# Body bytes a step judges, as the product's own flow runner keeps.
MAX_BODY = 512 * 1024

# Locust's sessions do not read the environment (no proxies, no CA bundle from it).
VERIFY = os.environ.get("REQUESTS_CA_BUNDLE") or True


def _unset_variables():
    return ["%s (%s)" % (n["var"], n["for"]) for n in PLAN["needs"] if not os.environ.get(n["var"])]


# A flow never goes out with an empty credential: stop before Locust starts a user.
_UNSET = _unset_variables()
if _UNSET:
    sys.stderr.write(
        "launch-ready: the flows need these environment variables, not set here: %s\n"
        % ", ".join(_UNSET)
    )
    sys.exit(PLAN["exit_unset"])


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
            timeout=PLAN["timeout_s"],
            verify=VERIFY,
            catch_response=True,
        ) as resp:
            # As the product's own load check counts errors: no answer, or a 5xx.
            if resp.status_code == 0 or resp.status_code >= 500:
                resp.failure("status %s" % resp.status_code)
            else:
                resp.success()

    call.__name__ = "route_" + "".join(c if c.isalnum() else "_" for c in route["name"])
    return call


class StepError(Exception):
    """A step that cannot be sent as written (a placeholder without a value)."""


def _fill(text, captured):
    """`text` with its `{{capture}}`, `{{env:NAME}}` and `{{secret:NAME}}` filled."""
    out = []
    rest = text
    while True:
        start = rest.find("{{")
        if start < 0:
            out.append(rest)
            return "".join(out)
        end = rest.find("}}", start + 2)
        if end < 0:
            raise StepError("`{{` is not closed by `}}`")
        out.append(rest[:start])
        inner = rest[start + 2 : end].strip()
        source, colon, name = inner.partition(":")
        if not colon:
            value = captured.get(inner)
        elif source.strip() == "secret":
            value = os.environ.get(PLAN["secrets"].get(name.strip(), "")) or None
        elif source.strip() == "env":
            value = os.environ.get(name.strip()) or None
        else:
            value = None
        if value is None:
            raise StepError("`{{%s}}` has no value" % inner)
        out.append(value)
        rest = rest[end + 2 :]


def _fill_json(doc, captured):
    if isinstance(doc, str):
        return _fill(doc, captured)
    if isinstance(doc, list):
        return [_fill_json(x, captured) for x in doc]
    if isinstance(doc, dict):
        return {k: _fill_json(v, captured) for k, v in doc.items()}
    return doc


_ABSENT = object()


def _pointer(doc, pointer):
    """The value at a JSON pointer (RFC 6901), or _ABSENT."""
    if pointer == "":
        return doc
    if not pointer.startswith("/"):
        return _ABSENT
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(doc, dict):
            if token not in doc:
                return _ABSENT
            doc = doc[token]
        elif isinstance(doc, list):
            if not (token.isascii() and token.isdigit()) or (len(token) > 1 and token[0] == "0"):
                return _ABSENT
            if int(token) >= len(doc):
                return _ABSENT
            doc = doc[int(token)]
        else:
            return _ABSENT
    return doc


def _same(a, b):
    """JSON equality: true is not 1 and 1 is not 1.0, as for the product's runner."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _judge(expect, resp):
    """Why the answer fails the step (status, then texts, then JSON values), or None."""
    status = resp.status_code
    wanted = expect["status"]
    if not (status in wanted if wanted else 200 <= status < 400):
        return "status %s, expected %s" % (
            status,
            " or ".join(str(s) for s in wanted) if wanted else "2xx or 3xx",
        )
    body = (resp.content or b"")[:MAX_BODY]
    text = body.decode("utf-8", "replace")
    for needle in expect["contains"]:
        if needle not in text:
            return "the body does not contain `%s`" % needle
    if not expect["json"]:
        return None
    try:
        doc = json.loads(body)
    except ValueError:
        return "the body is not JSON"
    for j in expect["json"]:
        found = _pointer(doc, j["pointer"])
        if found is _ABSENT:
            return "`%s` is missing from the JSON" % j["pointer"]
        if not _same(found, j["equals"]):
            return "`%s` is %s, expected %s" % (j["pointer"], _compact(found), _compact(j["equals"]))
    return None


class _FormInput(html.parser.HTMLParser):
    """The value of the first <input> with a given name."""

    def __init__(self, name):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.found = False
        self.value = None

    def handle_starttag(self, tag, attrs):
        if tag != "input" or self.found:
            return
        named = [v for k, v in attrs if k == "name"]
        if named and named[0] == self.name:
            self.found = True
            values = [v for k, v in attrs if k == "value"]
            self.value = values[0] if values else None


def _capture(capture, resp, cookies, url):
    key = capture["key"]
    source = capture["from"]
    if source == "cookie":
        # The user's cookie jar holds what this and earlier steps were sent.
        host = urlsplit(url).hostname or ""
        for c in cookies:
            domain = (c.domain or "").lstrip(".")
            if c.name == key and (host == domain or host.endswith("." + domain) or not domain):
                return c.value
        return None
    if source == "header":
        return resp.headers.get(key)
    body = (resp.content or b"")[:MAX_BODY]
    if source == "json":
        try:
            found = _pointer(json.loads(body), key)
        except ValueError:
            return None
        if found is _ABSENT or found is None:
            return None
        return found if isinstance(found, str) else _compact(found)
    parser = _FormInput(key)
    parser.feed(body.decode("utf-8", "replace"))
    parser.close()
    return parser.value


_DESCRIBE = {"cookie": "cookie", "header": "header", "json": "JSON", "form_input": "form input"}


def _request(step, captured):
    """The step's method, URL, headers and body with every placeholder filled."""
    url = _fill(step["url"], captured).strip()
    if not url.startswith(("http://", "https://")) and not url.startswith("/"):
        url = "/" + url  # a path on the user's host (the session's, unless --host says)
    headers = {name: _fill(value, captured) for name, value in step["headers"]}
    body = step["body"]
    data = None
    if body is not None:
        if body["kind"] == "raw":
            content_type = body["content_type"] or "text/plain"
            data = _fill(body["text"], captured).encode("utf-8")
        elif body["kind"] == "form":
            content_type = "application/x-www-form-urlencoded"
            data = urlencode([(k, _fill(v, captured)) for k, v in body["fields"]])
        else:
            content_type = "application/json"
            data = _compact(_fill_json(body["doc"], captured)).encode("utf-8")
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
    return url, headers, data


def _mask(text, captured):
    """`text` with every credential, variable and captured value replaced by `***`: a
    failure message lands in Locust's stats, CSV files and web UI."""
    values = [os.environ.get(n["var"]) for n in PLAN["needs"]]
    values += [v for v in captured.values() if isinstance(v, str)]
    # Longest first, so a value that holds another is masked whole.
    for value in sorted((v for v in values if v and len(v) >= 4), key=len, reverse=True):
        text = text.replace(value, "***")
    return text


def _step(user, step, captured):
    """Sends one step and judges it; False when it failed (reported to Locust)."""
    try:
        url, headers, data = _request(step, captured)
    except StepError as e:
        user.environment.events.request.fire(
            request_type=step["method"],
            name=step["name"],
            response_time=0,
            response_length=0,
            response=None,
            context={},
            exception=e,
        )
        return False
    with user.client.request(
        step["method"],
        url,
        name=step["name"],
        headers=headers,
        data=data,
        allow_redirects=False,
        timeout=PLAN["timeout_s"],
        verify=VERIFY,
        catch_response=True,
    ) as resp:
        if resp.status_code == 0:
            resp.failure(_mask("no answer: %s" % resp.error, captured))
            return False
        why = _judge(step["expect"], resp)
        if why is None:
            for c in step["capture"]:
                value = _capture(c, resp, user.client.cookies, resp.url or url)
                if value is None:
                    why = "nothing to capture as `%s` (%s `%s`)" % (
                        c["name"],
                        _DESCRIBE[c["from"]],
                        c["key"],
                    )
                    break
                captured[c["name"]] = value
        if why is None:
            resp.success()
            return True
        resp.failure(_mask(why, captured))
        return False


def _flow_task(flow):
    def run(user):
        # Each iteration starts signed out, as each run of the product's flow runner does;
        # the cookies a step sets go with the later steps of the same iteration.
        user.client.cookies.clear()
        captured = {}
        for step in flow["steps"]:
            if not _step(user, step, captured):
                return

    run.__name__ = "flow_" + flow["class"]
    return run


_WAIT = between(PLAN["wait_s"][0], PLAN["wait_s"][1])

if PLAN["routes"]:

    class LaunchReadyUser(HttpUser):
        host = PLAN["host"]
        wait_time = _WAIT
        tasks = [_task(r) for r in PLAN["routes"]]


for _flow in PLAN["flows"]:
    globals()[_flow["class"]] = type(
        _flow["class"],
        (HttpUser,),
        {"host": PLAN["host"], "wait_time": _WAIT, "tasks": [_flow_task(_flow)]},
    )


def _p95_problem(name, method, budget_ms, stats):
    s = stats.get(name, method)
    if s.num_requests == 0:
        return "%s: no request completed" % name
    p95 = s.get_response_time_percentile(0.95)
    if p95 > budget_ms:
        return "%s: p95 %.0f ms over its %d ms budget" % (name, p95, budget_ms)
    return None


def over_budget(stats):
    """The budget breaches of a finished run, one line each."""
    rows = [(r["name"], r["method"], r["p95_budget_ms"]) for r in PLAN["routes"]]
    for flow in PLAN["flows"]:
        rows.extend((s["name"], s["method"], s["p95_budget_ms"]) for s in flow["steps"])
    problems = [p for p in (_p95_problem(n, m, b, stats) for n, m, b in rows) if p]
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
        logging.info("launch-ready budget: every route and flow step within budget")
    environment.process_exit_code = 1 if problems else 0
