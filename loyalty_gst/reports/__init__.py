"""Reports for auditors and accountants: the loyalty-discount register, the five-way
reconciliation, the points liability (Ind AS 115), GSTR-3B, analytics and the auditor pack.

The figures are pure functions of stored documents and ledger rows (`register_row`,
`liability.compute`, `gstr3b.build`, …); the CLI, the API and the ERPNext Script Report
call the same functions. Writers (CSV, XLSX, PDF) stream rows: memory stays flat.
"""
