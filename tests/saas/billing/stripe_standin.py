"""A fake Stripe for the tests: ``localstripe`` (from PyPI) behind a small local stand-in.

localstripe 1.15 serves customers, payment methods, plans, subscriptions with a quantity,
quantity updates, invoices and cancellation, but answers 404 for Prices and Checkout
Sessions (and the billing portal), and has no trialing state. The stand-in forwards
everything to localstripe and serves those few endpoints itself, the way Stripe's current
API does: a price is the localstripe plan of the same id (its lookup key), and completing a
Checkout Session creates the subscription in localstripe. It can also lose responses after
they were applied.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

FORWARDED_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "Stripe-Version")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_localstripe() -> tuple[subprocess.Popen, str]:
    """Run localstripe on a free port of 127.0.0.1; returns the process and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "localstripe", "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/v1/customers", auth=("sk_test_x", ""), timeout=1)
            return process, url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("localstripe did not start")


class StripeStandIn:
    """A WSGI app in a thread: Prices, Checkout Sessions and the portal; the rest goes to
    localstripe."""

    def __init__(self, localstripe_url: str, api_key: str) -> None:
        self.upstream = localstripe_url
        self.api_key = api_key
        self.sessions: dict[str, dict] = {}
        self.lose_rate = 0.0  # share of subscription updates whose response is lost
        self.lost = 0
        self.random = random.Random(7)
        self.quantity_updates: list[tuple[float, str]] = []
        # What localstripe cannot do by itself (a renewal whose charge is declined): fields
        # laid over its answers for a subscription or an invoice id, as Stripe would report.
        self.overrides: dict[str, dict] = {}
        self._lock = threading.Lock()
        self.server = make_server("127.0.0.1", free_port(), self, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()

    # Calls to localstripe as the platform itself (setup and test helpers).

    def upstream_call(self, method: str, path: str, data=None) -> dict:
        response = requests.request(
            method, f"{self.upstream}{path}", data=data, auth=(self.api_key, ""), timeout=10
        )
        response.raise_for_status()
        return response.json()

    def create_plan(self, plan_id: str, amount: int, interval: str) -> None:
        product = self.upstream_call("POST", "/v1/products", {"name": plan_id})
        self.upstream_call(
            "POST",
            "/v1/plans",
            {
                "id": plan_id,
                "product": product["id"],
                "amount": amount,
                "currency": "usd",
                "interval": interval,
            },
        )

    def complete_checkout(self, session_id: str, *, card: str = "4242424242424242") -> dict:
        """What the customer does on Stripe's page: pay, which creates the subscription."""
        session = self.sessions[session_id]
        method = self.upstream_call(
            "POST",
            "/v1/payment_methods",
            {
                "type": "card",
                "card[number]": card,
                "card[exp_month]": "12",
                "card[exp_year]": "2034",
                "card[cvc]": "123",
            },
        )
        customer = session["customer"]
        self.upstream_call(
            "POST", f"/v1/payment_methods/{method['id']}/attach", {"customer": customer}
        )
        self.upstream_call(
            "POST",
            f"/v1/customers/{customer}",
            {"invoice_settings[default_payment_method]": method["id"]},
        )
        data = {
            "customer": customer,
            "items[0][plan]": session["_price"],
            "items[0][quantity]": session["_quantity"],
            "metadata[tenant_id]": session["metadata"].get("tenant_id", ""),
        }
        # localstripe leaves a subscription with a trial "incomplete" (it has no trialing
        # state), so the stand-in charges at once; the trial itself is tested offline.
        subscription = self.upstream_call("POST", "/v1/subscriptions", data)
        session.update(status="complete", subscription=subscription["id"])
        return session

    # WSGI

    def __call__(self, environ, start_response):
        request = Request(environ)
        path = request.path
        if path == "/v1/prices" and request.method == "GET":
            response = self._prices(request)
        elif path == "/v1/checkout/sessions" and request.method == "POST":
            response = self._create_session(request)
        elif path.startswith("/v1/checkout/sessions/") and request.method == "GET":
            session = self.sessions.get(path.rsplit("/", 1)[1])
            response = self._json(session) if session else self._missing()
        elif path == "/v1/billing_portal/sessions" and request.method == "POST":
            response = self._json(
                {"id": f"bps_{uuid.uuid4().hex[:14]}", "object": "billing_portal.session",
                 "url": f"https://billing.stand-in.example/p/{uuid.uuid4().hex[:10]}"}
            )  # fmt: skip
        else:
            response = self._forward(request)
        return response(environ, start_response)

    def _json(self, body: dict, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    def _missing(self) -> Response:
        return self._json(
            {"error": {"type": "invalid_request_error", "message": "No such object"}}, 404
        )

    def _prices(self, request: Request) -> Response:
        data = []
        for key in request.args.getlist("lookup_keys[]") or request.args.getlist("lookup_keys[0]"):
            plan = requests.get(
                f"{self.upstream}/v1/plans/{key}", auth=(self.api_key, ""), timeout=10
            )
            if plan.status_code == 200:
                plan = plan.json()
                data.append(
                    {
                        "id": plan["id"],
                        "object": "price",
                        "lookup_key": plan["id"],
                        "unit_amount": plan["amount"],
                        "currency": plan["currency"],
                        "recurring": {"interval": plan["interval"]},
                        "active": True,
                    }
                )
        return self._json({"object": "list", "data": data, "has_more": False, "url": "/v1/prices"})

    def _create_session(self, request: Request) -> Response:
        form = request.form
        if form.get("mode") != "subscription" or not form.get("line_items[0][price]"):
            return self._json(
                {"error": {"type": "invalid_request_error", "message": "bad session"}}, 400
            )
        session_id = f"cs_test_{uuid.uuid4().hex[:20]}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "customer": form.get("customer"),
            "client_reference_id": form.get("client_reference_id"),
            "metadata": {"tenant_id": form.get("metadata[tenant_id]", "")},
            "subscription": None,
            "success_url": form.get("success_url"),
            "url": f"https://checkout.stand-in.example/c/pay/{session_id}",
            "_price": form.get("line_items[0][price]"),
            "_quantity": form.get("line_items[0][quantity]", "1"),
            "_trial_end": form.get("subscription_data[trial_end]"),
        }
        self.sessions[session_id] = session
        return self._json(session)

    def _forward(self, request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k in FORWARDED_HEADERS}
        upstream = requests.request(
            request.method,
            f"{self.upstream}{request.full_path.rstrip('?')}",
            data=request.get_data(),
            headers=headers,
            timeout=10,
        )
        is_update = request.method == "POST" and request.path.startswith("/v1/subscriptions/")
        if is_update and "items[0][quantity]" in request.form:
            with self._lock:
                self.quantity_updates.append(
                    (time.monotonic(), request.headers.get("Idempotency-Key", ""))
                )
                lose = self.random.random() < self.lose_rate
                if lose:
                    self.lost += 1
            if lose:  # applied upstream, but the caller never hears back
                return Response("", status=502, headers={"Stripe-Should-Retry": "true"})
        content = upstream.content
        if self.overrides and upstream.status_code == 200:
            content = json.dumps(self._overlay(upstream.json()))
        return Response(
            content,
            status=upstream.status_code,
            content_type=upstream.headers.get("Content-Type", "application/json"),
        )

    def _overlay(self, body: dict) -> dict:
        if body.get("object") == "list":
            body["data"] = [self._overlay(item) for item in body.get("data") or []]
        elif body.get("id") in self.overrides:
            body.update(self.overrides[body["id"]])
        return body
