// Loyalty GST on the Point of Sale page: "Loyalty Points" in the page menu shows the
// member's balance and takes the points to redeem; the discount and totals come from
// loyalty_gst.erpnext.desk.quote_invoice on the POS Invoice being billed; where the
// settings require it, the member's OTP / app code is checked next (loyalty_presence.js).
frappe.provide("loyalty_gst");

loyalty_gst.pos_redeem = function (pos) {
	const frm = pos && pos.frm;
	if (!frm || !frm.doc.customer) {
		frappe.msgprint(__("Pick the customer first"));
		return;
	}
	frappe.call({
		method: "loyalty_gst.erpnext.desk.member_balance",
		args: { customer: frm.doc.customer, mobile: frm.doc.lgst_mobile || null },
		callback(r) {
			const b = r.message || {};
			const dialog = new frappe.ui.Dialog({
				title: __("Loyalty Points"),
				fields: [
					{
						fieldtype: "HTML",
						options: b.member
							? __("{0}: {1} points (₹{2}), usable today {3}", [
									b.mobile, b.points, b.value, b.usable_today,
							  ])
							: __("Not a member: {0}", [b.reason || ""]),
					},
					{ fieldname: "points", fieldtype: "Data", label: __("Points to Redeem") },
				],
				primary_action_label: __("Apply"),
				primary_action(values) {
					const points = loyalty_gst.whole_points(values.points);
					if (points === null) {
						frappe.msgprint(__("Points to Redeem must be a whole number of points"));
						return;
					}
					frm.doc.lgst_points_to_redeem = points;
					frappe.call({
						method: "loyalty_gst.erpnext.desk.quote_invoice",
						args: { doc: frm.doc },
						callback(q) {
							const res = q.message;
							if (!res) return;
							Object.entries(res.fields).forEach(([f, v]) => (frm.doc[f] = v));
							frm.cscript.calculate_taxes_and_totals();
							if (pos.cart) pos.cart.update_totals_section(frm);
							if (res.note) frappe.show_alert({ message: res.note, indicator: "orange" }, 8);
							dialog.hide();
							if (b.presence_required && res.fields.lgst_points_redeemed) {
								frm.doc.lgst_presence = null;
								// the POS page's item search takes every keystroke (a scanned code too)
								loyalty_gst.verify_member(frm, () => {
									const search = pos.item_selector && pos.item_selector.search_field;
									if (search) search.set_value("");
								});
							}
						},
					});
				},
			});
			dialog.show();
		},
	});
};

loyalty_gst.whole_points =
	loyalty_gst.whole_points ||
	function (value) {
		const text = String(value === undefined || value === null ? "" : value).trim();
		if (text === "") return 0;
		return /^\d+$/.test(text) ? parseInt(text, 10) : null;
	};

// ERPNext builds the POS controller after its opening-entry check and clears the page
// menu as it does: look for the page's controller each second while the page is shown,
// and add the item whenever the menu lacks it
loyalty_gst.pos_menu = function () {
	const wrapper = frappe.pages["point-of-sale"];
	const pos = wrapper && wrapper.pos;
	if (!pos || !pos.page || frappe.get_route_str() !== "point-of-sale") return;
	const label = __("Loyalty Points");
	const has = pos.page.menu.find("a, .dropdown-item").filter(function () {
		return $(this).text().trim() === label;
	}).length;
	if (!has) pos.page.add_menu_item(label, () => loyalty_gst.pos_redeem(pos));
};

if (!loyalty_gst.__pos_timer) {
	loyalty_gst.__pos_timer = setInterval(loyalty_gst.pos_menu, 1000);
}
