def get_context(context):
	# Standard notification of crm_ext: the template above receives ``doc`` (Supplier Qualification).
	pass
