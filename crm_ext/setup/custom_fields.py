"""Fields crm_ext adds to ERPNext / Frappe doctypes: one declarative table.

``install.after_install`` (and every migrate) creates them with Frappe's
``create_custom_fields``; ``install.before_uninstall`` removes exactly these, so ERPNext is left
as it was. The table is a plain literal so that the tier-1 conformance checks can read it
without Frappe (target doctype exists, insert_after exists, no clash with a standard field).
Every field is tagged with the app's module by the installer.

``sales_lead`` on the selling documents is copied by ERPNext's own mappers (Quotation -> Sales
Order -> Sales Invoice, returns, amendments: same fieldname, not ``no_copy``); on a Sales Invoice it
may be set after submit (re-linking recomputes both leads); on a Payment Entry it is derived from
the references (crm_ext.accounts.links).
"""

CUSTOM_FIELDS: dict[str, list[dict]] = {
	"Purchase Order": [
		{
			"fieldname": "tender",
			"fieldtype": "Link",
			"label": "Tender",
			"options": "Tender",
			"insert_after": "supplier_name",
			"read_only": 1,
			"search_index": 1,
			"description": "The tender this document comes from (set by the award, copied to invoices).",
		}
	],
	# a winner's framework agreement (the award) and every evaluated bid's quotation: they lead
	# back to their tender; a Purchase Order made against the agreement takes the tender from it
	"Blanket Order": [
		{
			"fieldname": "tender",
			"fieldtype": "Link",
			"label": "Tender",
			"options": "Tender",
			"insert_after": "supplier_name",
			"read_only": 1,
			"search_index": 1,
			"description": "The tender whose award made this framework agreement.",
		}
	],
	"Supplier Quotation": [
		{
			"fieldname": "tender",
			"fieldtype": "Link",
			"label": "Tender",
			"options": "Tender",
			"insert_after": "supplier_name",
			"read_only": 1,
			"search_index": 1,
			"description": "The tender whose bid this quotation records.",
		}
	],
	"Purchase Invoice": [
		{
			"fieldname": "tender",
			"fieldtype": "Link",
			"label": "Tender",
			"options": "Tender",
			"insert_after": "supplier_name",
			"read_only": 1,
			"search_index": 1,
			"description": "The tender this document comes from (set by the award, copied to invoices).",
		}
	],
	"Payment Entry": [
		{
			"fieldname": "tender",
			"fieldtype": "Link",
			"label": "Tender",
			"options": "Tender",
			"insert_after": "party_name",
			"read_only": 1,
			"search_index": 1,
			"description": "The tender this document comes from (set by the award, copied to invoices).",
		},
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "tender",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"read_only": 1,
			"allow_on_submit": 1,
			"description": "Set from the references: the deal of the invoices and orders paid, when they all belong to one.",
		},
	],
	# A follow-up is a ToDo (Frappe's to-do list and calendar); these fields say where it came from
	# and what the daily roll-over did to it.
	"ToDo": [
		{
			"fieldname": "crm_follow_up_section",
			"fieldtype": "Section Break",
			"label": "CRM Follow-up",
			"insert_after": "assignment_rule",
			"depends_on": "crm_follow_up",
			"collapsible": 1,
		},
		{
			"fieldname": "crm_follow_up",
			"fieldtype": "Check",
			"label": "CRM Follow-up",
			"insert_after": "crm_follow_up_section",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crm_interaction",
			"fieldtype": "Link",
			"label": "From Interaction",
			"options": "Interaction",
			"insert_after": "crm_follow_up",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crm_event",
			"fieldtype": "Link",
			"label": "Calendar Event",
			"options": "Event",
			"insert_after": "crm_interaction",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crm_sequence_stage",
			"fieldtype": "Link",
			"label": "Sequence of Stage",
			"options": "Pipeline Stage",
			"insert_after": "crm_event",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crm_sequence_step",
			"fieldtype": "Int",
			"label": "Sequence Step",
			"insert_after": "crm_sequence_stage",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crm_follow_up_column",
			"fieldtype": "Column Break",
			"insert_after": "crm_sequence_step",
		},
		{
			"fieldname": "crm_original_date",
			"fieldtype": "Date",
			"label": "Originally Due",
			"insert_after": "crm_follow_up_column",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crm_carried_over",
			"fieldtype": "Int",
			"label": "Carried Over (Times)",
			"insert_after": "crm_original_date",
			"read_only": 1,
			"no_copy": 1,
		},
		{
			"fieldname": "crm_escalated",
			"fieldtype": "Check",
			"label": "Escalated to Head of Sales",
			"insert_after": "crm_carried_over",
			"read_only": 1,
			"no_copy": 1,
		},
	],
	"Quotation": [
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "customer_name",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"description": "The deal (crm_ext Sales Lead) this quotation belongs to.",
		},
		# set by the customer's "Accept Proposal" on the portal (crm_ext.sales.proposals)
		{
			"fieldname": "crm_accepted_on",
			"fieldtype": "Datetime",
			"label": "Accepted by Customer On",
			"insert_after": "sales_lead",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"print_hide": 1,
		},
		{
			"fieldname": "crm_accepted_by",
			"fieldtype": "Link",
			"label": "Accepted By",
			"options": "User",
			"insert_after": "crm_accepted_on",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"print_hide": 1,
		},
	],
	"Sales Order": [
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "customer_name",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"description": "The deal (crm_ext Sales Lead) this order belongs to.",
		},
	],
	"Sales Invoice": [
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "customer_name",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"allow_on_submit": 1,
			"description": "The deal (crm_ext Sales Lead) this invoice belongs to; its invoiced, paid and outstanding amounts follow this invoice.",
		},
	],
	# The card a contract was made from (crm_ext.sales.proposals.make_contract): its signed state
	# shows on the card; hanging a contract on a card needs write on the card (crm_ext.accounts.links).
	"Contract": [
		{
			"fieldname": "sales_lead",
			"fieldtype": "Link",
			"label": "Sales Lead",
			"options": "Sales Lead",
			"insert_after": "document_name",
			"in_standard_filter": 1,
			"search_index": 1,
			"print_hide": 1,
			"read_only": 1,
			"description": "The deal (crm_ext Sales Lead) this contract belongs to.",
		},
	],
	# What a campaign cost: the KPIs report's acquisition cost per customer won from it.
	"Campaign": [
		{
			"fieldname": "crm_spend",
			"label": "Campaign Spend",
			"fieldtype": "Currency",
			"insert_after": "description",
			"description": "What the campaign cost, in company currency (KPIs report: acquisition cost per customer won).",
		},
	],
	# The supplier's own portal administration (crm_ext.supply.supplier_users): set by the procedure
	# only (server-owned, crm_ext.supply.access.SERVER_FIELDS), shown to buyers beside the portal users.
	"Supplier": [
		{
			"fieldname": "crm_portal_admin_section",
			"fieldtype": "Section Break",
			"label": "Portal Administration",
			"insert_after": "portal_users",
		},
		{
			"fieldname": "crm_master_user",
			"fieldtype": "Link",
			"label": "Master User",
			"options": "User",
			"insert_after": "crm_portal_admin_section",
			"read_only": 1,
			"no_copy": 1,
			"description": "The supplier's portal administrator: invites and disables colleagues and chooses who receives notices. The first portal user, or the one a buyer marks (Portal Administration > Set Master User).",
		},
		{
			"fieldname": "crm_invitation_recipients",
			"fieldtype": "Small Text",
			"label": "Receive Tender E-mails",
			"insert_after": "crm_master_user",
			"read_only": 1,
			"no_copy": 1,
			"description": "Chosen by the master user, one per line. Empty: every enabled portal user and the supplier's e-mail.",
		},
		{
			"fieldname": "crm_notice_recipients",
			"fieldtype": "Small Text",
			"label": "Receive Qualification Notices",
			"insert_after": "crm_invitation_recipients",
			"read_only": 1,
			"no_copy": 1,
			"description": "Chosen by the master user, one per line. Empty: the qualification's contact e-mail.",
		},
	],
	# Set by the Customer Segments report's "Tag Customers" action (crm_ext.analytics.segments).
	"Customer": [
		{
			"fieldname": "crm_segment",
			"label": "CRM Segment (ABC)",
			"fieldtype": "Select",
			"options": "\nA\nB\nC",
			"insert_after": "market_segment",
			"read_only": 1,
			"in_standard_filter": 1,
			"description": "Revenue class from the Customer Segments report: A, B or C",
		},
		{
			"fieldname": "crm_rfm",
			"label": "RFM Score",
			"fieldtype": "Data",
			"length": 3,
			"insert_after": "crm_segment",
			"read_only": 1,
			"description": "Recency, frequency and monetary scores 1..5 (555 = best) from the Customer Segments report",
		},
		# campaigns are sent only to customers who agreed (crm_ext.sales.campaigns)
		{
			"fieldname": "crm_marketing_consent",
			"label": "Consent to Marketing",
			"fieldtype": "Check",
			"insert_after": "crm_rfm",
			"description": "The customer agreed to receive campaign e-mails and SMS. Campaigns are never sent without it.",
		},
	],
}
