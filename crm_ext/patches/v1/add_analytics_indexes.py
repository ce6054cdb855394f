from crm_ext.analytics.indexes import ensure_indexes


def execute():
	ensure_indexes()
