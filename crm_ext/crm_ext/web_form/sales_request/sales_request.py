from frappe import _


def get_context(context):
	context.no_cache = 1
	# Frappe's web_form.html prints the introduction as stored; the reader's language wins here
	if context.get("introduction_text"):
		context.introduction_text = _(context.introduction_text)
