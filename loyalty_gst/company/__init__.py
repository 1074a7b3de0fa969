"""The company a retailer sets up from one file: registrations, stores, tills, items,
the program and the number series (`loyalty-gst setup FILE.yaml`), kept in the database
that every use case reads."""

from loyalty_gst.company.db import NotSetUp, Report, cached, current, forget, write
from loyalty_gst.company.file import read, validate
from loyalty_gst.company.model import (
    CompanyFile,
    ItemSpec,
    Particulars,
    Registration,
    SeriesSpec,
    StoreSpec,
    financial_year,
)
from loyalty_gst.company.view import Company

__all__ = [
    "Company",
    "CompanyFile",
    "ItemSpec",
    "NotSetUp",
    "Particulars",
    "Registration",
    "Report",
    "SeriesSpec",
    "StoreSpec",
    "cached",
    "current",
    "financial_year",
    "forget",
    "read",
    "validate",
    "write",
]
