// Loyalty GST on the Sales Invoice and POS Invoice forms: the member's balance when the
// customer is picked; the loyalty discount and ERPNext's totals recomputed as Points to
// Redeem changes, before save, through loyalty_gst.erpnext.desk.quote_invoice.
frappe.provide("loyalty_gst");

loyalty_gst.whole_points = function (value) {
	const text = String(value === undefined || value === null ? "" : value).trim();
	if (text === "") return 0;
	if (!/^\d+$/.test(text)) return null;
	return parseInt(text, 10);
};

loyalty_gst.show_balance = function (frm) {
	if (!frm.doc.customer) return;
	frappe.call({
		method: "loyalty_gst.erpnext.desk.member_balance",
		args: { customer: frm.doc.customer, mobile: frm.doc.lgst_mobile || null },
		callback(r) {
			const b = r.message;
			if (!b) return;
			if (!b.member) {
				frm.dashboard.set_headline(__("Loyalty: {0}", [b.reason]));
				return;
			}
			frm.dashboard.set_headline(
				__("Loyalty {0}: {1} points (₹{2}), usable today {3}", [
					b.mobile, b.points, b.value, b.usable_today,
				])
			);
			frm.__lgst_presence_required = !!b.presence_required;
			if (b.presence_required && frm.doc.docstatus === 0) {
				frm.add_custom_button(__("Verify member"), () => loyalty_gst.verify_member(frm));
			}
		},
	});
};

loyalty_gst.quote = function (frm) {
	if (frm.doc.docstatus !== 0) return;
	const points = loyalty_gst.whole_points(frm.doc.lgst_points_to_redeem);
	if (points === null) {
		frappe.msgprint({
			title: __("Loyalty points"),
			indicator: "red",
			message: __("Points to Redeem must be a whole number of points: {0} is not", [
				frm.doc.lgst_points_to_redeem,
			]),
		});
		frm.doc.lgst_points_to_redeem = 0;
		frm.refresh_field("lgst_points_to_redeem");
		return;
	}
	if (!frm.doc.customer || !(frm.doc.items || []).length) return;
	frappe.call({
		method: "loyalty_gst.erpnext.desk.quote_invoice",
		args: { doc: frm.doc },
		callback(r) {
			const q = r.message;
			if (!q) return;
			Object.entries(q.fields).forEach(([field, value]) => {
				frm.doc[field] = value;
			});
			if (frm.cscript && frm.cscript.calculate_taxes_and_totals) {
				frm.cscript.calculate_taxes_and_totals();
			}
			frm.refresh_fields();
			if (q.note) frappe.show_alert({ message: q.note, indicator: "orange" }, 8);
		},
	});
};

["Sales Invoice", "POS Invoice"].forEach((doctype) => {
	frappe.ui.form.on(doctype, {
		refresh: loyalty_gst.show_balance,
		customer: loyalty_gst.show_balance,
		lgst_mobile(frm) {
			loyalty_gst.show_balance(frm);
			loyalty_gst.quote(frm);
		},
		lgst_points_to_redeem: loyalty_gst.quote,
		before_submit(frm) {
			// the submit would be refused: check the member first (the server spends it)
			if (frm.__lgst_presence_required && frm.doc.lgst_points_redeemed && !frm.doc.lgst_presence) {
				loyalty_gst.verify_member(frm);
				frappe.throw(__("Redeeming points needs the member's OTP or app code: verify the member"));
			}
		},
	});
});
