"""ERPNext accounting links of a Sales Lead: making quotations, orders and invoices from a card,
carrying the card along ERPNext's own chain, money on the card recomputed from the ledger, and
receivables control (credit limit, receivable and overdue shares)."""
