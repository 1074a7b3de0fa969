"""The company's setup as the printer's letterhead for one document.

Name, address and GSTIN are the document's own seller (as issued: a later change of
address does not rewrite an issued invoice); the trade name, phone, e-mail, logo,
signatory and UPI particulars come from the setup of the company and that registration.
"""

from __future__ import annotations

from loyalty_gst.company.view import Company
from loyalty_gst.models import Seller
from loyalty_gst.printing.particulars import Letterhead


def letterhead(company: Company, seller: Seller) -> Letterhead:
    p, r = company.particulars, company.registration(seller.gstin)
    return Letterhead.of_seller(seller).model_copy(
        update={
            "trade_name": seller.trade_name or r.trade_name or p.trade_name,
            "phone": r.phone or p.phone,
            "email": r.email or p.email,
            "logo": company.logo,
            "signatory": p.signatory,
            "upi_vpa": p.upi_vpa,
            "b2c_dynamic_qr": p.b2c_dynamic_qr,
        }
    )
