// Loyalty Liability: no filters; points held, by expiry month, at today's point value.
frappe.query_reports["Loyalty Liability"] = { filters: [] };
