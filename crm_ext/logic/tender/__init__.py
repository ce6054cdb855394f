"""Pure logic of tenders: calls for tender, sealed bids, reverse auctions, evaluation and award.

Nothing here imports frappe. Controllers build the plain values defined in :mod:`.model` (and the
small dataclasses next to each rule) from their documents and call the functions below; every
broken rule is a :class:`~crm_ext.logic.tender.errors.TenderError` naming the field, the row
(for child-table lines) and the fix.

Modules, in the order a tender lives through them:

- :mod:`.amounts` - Decimal coercion shared by every dataclass (money is never a float here).
- :mod:`.model` - the tender and bid as plain values.
- :mod:`.bid_rules` - what a bid must satisfy to be saved, submitted or withdrawn; deadline
  extension.
- :mod:`.visibility` - who may see a sealed bid's prices, and when.
- :mod:`.auction` - reverse auction: accepting an offer, anti-sniping extension, ranks.
- :mod:`.currency` - conversion to company currency.
- :mod:`.evaluated_price` - converted price + Incoterm cost adders - payment-term discount.
- :mod:`.comparison` - the comparison matrix (tender lines x suppliers).
- :mod:`.scoring` - weighted scores (price / delivery / qualification), 0..100.
- :mod:`.award` - award per line or for the whole tender, purchase-order grouping, savings.
- :mod:`.audit_log` - the hash-chained, tamper-evident log of bid events.

All datetimes passed to one call must follow the same convention (Frappe's naive system-time
datetimes, or all timezone-aware); mixing them raises ``TypeError`` from the comparison.
"""
