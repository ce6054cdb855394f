"""Requests to Frappe's WSGI application, as a browser or an integration would send them.

Each request runs in a thread of its own (its own ``frappe.local`` and database connection, as a
web worker would), so the data it should see must be committed first, and what it writes is
committed by the request itself. Personas authenticate with ``Authorization: token key:secret``;
the guest sends nothing.
"""

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from threading import Thread
from urllib.parse import urlencode

import frappe
from frappe.utils import get_test_client


@dataclass
class Answer:
	status: int
	body: dict | list | str | None
	text: str

	@property
	def message(self):
		return self.body.get("message") if isinstance(self.body, dict) else None

	@property
	def summary(self) -> str:
		"""The status and what the server said, short."""
		if not isinstance(self.body, dict):
			return f"{self.status} {self.text[:120]!r}"
		said = self.body.get("exc_type") or ""
		messages = self.body.get("_server_messages")
		if messages:
			try:
				said += " " + "; ".join(json.loads(m).get("message", "") for m in json.loads(messages))
			except (ValueError, AttributeError):
				said += " " + messages[:120]
		if not said:
			said = json.dumps(self.body.get("message", self.body.get("data")), default=str)[:160]
		return f"{self.status} {said.strip()[:240]}"

	@property
	def data(self):
		return self.body.get("data") if isinstance(self.body, dict) else None


def _run(method: str, path: str, headers: dict, payload) -> Answer:
	client = get_test_client(use_cookies=False)
	result: dict = {}

	def target():
		kwargs = {"headers": headers}
		if payload is not None:
			kwargs["json"] = payload
		response = client.open(path, method=method, **kwargs)
		text = response.get_data(as_text=True)
		try:
			body = json.loads(text)
		except ValueError:
			body = None
		result["answer"] = Answer(response.status_code, body, text)

	# Frappe prints the traceback of every refused request in developer mode: thousands of expected
	# 403s would bury the test log (the test thread waits, so nothing else writes meanwhile)
	with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
		thread = Thread(target=target)
		thread.start()
		thread.join()
	return result["answer"]


def request(auth: str | None, method: str, path: str, payload=None, query: dict | None = None) -> Answer:
	"""``auth``: "key:secret" of a persona, or None for the guest."""
	headers = {"X-Frappe-Site-Name": frappe.local.site, "Accept": "application/json"}
	if auth:
		headers["Authorization"] = f"token {auth}"
	if query:
		path = (
			f"{path}?{urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in query.items()})}"
		)
	return _run(method, path, headers, payload)
