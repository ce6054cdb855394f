from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
	"""One broken rule: the file at fault and a sentence that says what to fix."""

	path: str
	message: str

	def __str__(self) -> str:
		return f"{self.path}: {self.message}"
