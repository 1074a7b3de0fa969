// Loyalty GST: the member's presence where Loyalty GST Settings require it — an OTP sent
// to the member's WhatsApp, or the code the member's app shows. A good check returns a
// single-use grant that the invoice carries (lgst_presence) and its submit spends.
frappe.provide("loyalty_gst");

loyalty_gst.verify_member = function (frm, on_done) {
	const who = { customer: frm.doc.customer, mobile: frm.doc.lgst_mobile || null };
	let challenge = null;
	const dialog = new frappe.ui.Dialog({
		title: __("Verify member"),
		fields: [
			{
				fieldtype: "HTML",
				fieldname: "how",
				options: __(
					"Ask for the code the member's app shows, or send an OTP to the member's WhatsApp."
				),
			},
			// Small Text: an app code is longer than a Data field's 140 characters
			{ fieldname: "app_code", fieldtype: "Small Text", label: __("App code") },
			{ fieldtype: "Section Break" },
			{
				fieldname: "send",
				fieldtype: "Button",
				label: __("Send OTP"),
				click() {
					frappe.call({
						method: "loyalty_gst.erpnext.presence.send_otp",
						args: who,
						callback(r) {
							if (!r.message) return;
							challenge = r.message.challenge_id;
							frappe.show_alert(
								{ message: __("OTP sent to {0}", [r.message.mobile]), indicator: "green" },
								6
							);
						},
					});
				},
			},
			{ fieldname: "otp", fieldtype: "Data", label: __("OTP (6 digits)") },
		],
		primary_action_label: __("Verify"),
		primary_action(values) {
			const otp = (values.otp || "").trim();
			const app_code = (values.app_code || "").trim();
			if (!app_code && !/^\d{6}$/.test(otp)) {
				frappe.msgprint(__("Enter the 6-digit OTP the member received, or the app's code"));
				return;
			}
			if (!app_code && !challenge) {
				frappe.msgprint(__("Send the OTP first"));
				return;
			}
			frappe.call({
				method: "loyalty_gst.erpnext.presence.check",
				args: Object.assign({}, who, { challenge_id: challenge, otp, app_code }),
				callback(r) {
					if (!r.message) return;
					frm.doc.lgst_presence = r.message.grant;
					frm.dirty();
					frappe.show_alert(
						{ message: __("Member verified ({0})", [r.message.how]), indicator: "green" },
						6
					);
					dialog.hide();
					if (on_done) on_done(r.message);
				},
			});
		},
	});
	dialog.show();
	return dialog;
};
