"""Timing for the benchmarks (not a test): what a user calls beside the hand-written optimum,
interleaved (app, hand, hand, app, ...), the median of ``runs`` of each, results compared."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import frappe


def fresh_request() -> None:
	"""Forget what Frappe keeps for the length of one request (each desk call is a new one)."""
	frappe.local.cache = {}
	if getattr(frappe.local, "request_cache", None) is not None:
		frappe.local.request_cache.clear()
	frappe.local.role_permissions = {}
	frappe.local.user_perms = None


def as_user(user: str) -> None:
	frappe.set_user(user)
	fresh_request()


def timed(fn: Callable, user: str):
	as_user(user)
	start = time.perf_counter()
	result = fn()
	return time.perf_counter() - start, result


@dataclass
class Case:
	label: str
	persona: str
	user: str
	app: Callable  # what the user calls
	hand: Callable | None  # the hand-written optimum (as Administrator: plain SQL, no rights)
	app_result: Callable = lambda r: r  # normalises the app's answer for the comparison
	app_times: list = field(default_factory=list)
	hand_times: list = field(default_factory=list)
	equal: bool | None = None
	error: str | None = None


def run_cases(cases: list[Case], runs: int = 5, warm: int = 1) -> None:
	"""Times every case ``runs`` times, interleaved with its hand-written twin, after ``warm``
	untimed rounds; checks once that both give the same numbers."""
	for case in cases:
		try:
			for _ in range(warm):
				app = case.app_result(timed(case.app, case.user)[1])
				hand = timed(case.hand, "Administrator")[1] if case.hand else None
			if case.hand:
				case.equal = same(app, hand)
				if not case.equal:
					case.error = describe_difference(app, hand)
		except Exception as e:  # a failing case is reported, the others still run
			frappe.db.rollback()
			case.error = f"{type(e).__name__}: {e}"
	for round_ in range(runs):
		for case in cases:
			if case.error and case.equal is None:
				continue
			pair = [("app", case.app, case.user), ("hand", case.hand, "Administrator")]
			if round_ % 2:
				pair.reverse()
			for kind, fn, user in pair:
				if fn is None:
					continue
				seconds, _result = timed(fn, user)
				(case.app_times if kind == "app" else case.hand_times).append(seconds)
	frappe.set_user("Administrator")


def median(times: list[float]) -> float | None:
	return statistics.median(times) if times else None


def same(a, b, tolerance: float = 0.011) -> bool:
	if isinstance(a, dict) and isinstance(b, dict):
		keys = set(a) | set(b)
		return all(same(a.get(k, 0), b.get(k, 0), tolerance) for k in keys)
	if isinstance(a, list | tuple) and isinstance(b, list | tuple):
		return len(a) == len(b) and all(same(x, y, tolerance) for x, y in zip(a, b, strict=True))
	if isinstance(a, int | float | Decimal) or isinstance(b, int | float | Decimal):
		return abs(float(a or 0) - float(b or 0)) <= tolerance
	return a == b


def describe_difference(a, b, path: str = "") -> str:
	if isinstance(a, dict) and isinstance(b, dict):
		for key in sorted(set(a) | set(b), key=str):
			if not same(a.get(key, 0), b.get(key, 0)):
				return describe_difference(a.get(key, 0), b.get(key, 0), f"{path}/{key}")
	return f"differs at {path or '/'}: app {a!r} vs hand-written {b!r}"


def report_table(cases: list[Case], title: str) -> list[str]:
	lines = [f"### {title}", "", "| persona | case | app (median) | hand-written | ratio | same numbers |"]
	lines.append("|---|---|---|---|---|---|")
	for case in cases:
		app, hand = median(case.app_times), median(case.hand_times)
		ratio = f"{app / hand:.2f}x" if app and hand else ""
		equal = {True: "yes", False: "NO", None: ""}[case.equal]
		lines.append(
			f"| {case.persona} | {case.label} | {fmt(app)} | {fmt(hand)} | {ratio} | {equal} |"
			+ (f" {case.error}" if case.error else "")
		)
	return lines


def fmt(seconds: float | None) -> str:
	if seconds is None:
		return ""
	return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"
