"""Pure rules of a supplier's portal administration (no Frappe): recipient lists and names."""

from collections.abc import Iterable


def parse_users(text: str | None) -> list[str]:
	"""The users of a stored recipient list (one per line), in order, without blanks or repeats."""
	seen: list[str] = []
	for line in (text or "").splitlines():
		user = line.strip()
		if user and user not in seen:
			seen.append(user)
	return seen


def format_users(users: Iterable[str]) -> str:
	"""A recipient list as stored: sorted, one per line ('' for nobody chosen)."""
	return "\n".join(sorted({u.strip() for u in users if u and u.strip()}))


def still_chosen(chosen: Iterable[str], enabled: set[str]) -> list[str]:
	"""The chosen recipients of a kind of notice that are still enabled (none: the default applies)."""
	return [u for u in chosen if u in enabled]


def split_name(full_name: str) -> tuple[str, str]:
	"""(first name, last name) of a person's full name as typed."""
	first, _sep, last = " ".join((full_name or "").split()).partition(" ")
	return first, last
