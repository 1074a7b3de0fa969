"""The app's added time on a real ERPNext Sales Invoice submit with redemption.

Runs inside a bench, against a site that has loyalty_gst installed (the test records of
loyalty_gst/tests/erpnext/lgst_site.py are created, and everything is rolled back at the
end). Each round drafts a Sales Invoice redeeming 300 points (the worked example) and
submits it; the time spent in this app's doc_events during `submit()` (before_validate,
validate, before_submit: planning, adapter, ledger posting) is the added time. The whole
submit is timed too, for scale, with the CPU time of this process inside the hooks (the
wall time also holds the MariaDB round trips, and on a loaded machine, waiting for a core).

    cd frappe-bench/sites && ../env/bin/python /path/to/benchmarks/erpnext_submit.py \\
        --site SITE [--rounds 60]
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def _timed(
    fn: Callable[..., Any], spent: list[float], cpu: list[float], ours: list[int], sql: Any
) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0, c0, n0 = time.perf_counter(), time.thread_time(), sql.count
        try:
            return fn(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
            ours.append(sql.count - n0)

    return wrapper


class _Statements:
    """Counts the SQL statements sent on frappe's PyMySQL connection while `on` is set
    (frappe's own queries and the ledger's, which share that connection)."""

    def __init__(self) -> None:
        import pymysql.cursors

        self.on = False
        self.count = 0
        original = pymysql.cursors.Cursor.execute
        counter = self

        def execute(cursor: Any, query: Any, args: Any = None) -> Any:
            if counter.on:
                counter.count += 1
            return original(cursor, query, args)

        pymysql.cursors.Cursor.execute = execute  # type: ignore[method-assign]


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    opts = parser.parse_args()

    import frappe

    frappe.init(site=opts.site)
    frappe.connect()
    frappe.set_user("Administrator")
    frappe.flags.in_test = True
    try:
        from loyalty_gst.erpnext import invoice, pos_invoice, sales_invoice
        from loyalty_gst.tests.erpnext import lgst_site as site

        site.ensure_company()
        spent: list[float] = []
        cpu: list[float] = []
        ours: list[int] = []
        statements = _Statements()
        sent: list[int] = []
        ours_sent: list[int] = []
        for module in (sales_invoice, pos_invoice):  # the doc_events' dotted paths
            for name in ("before_validate", "validate", "before_submit"):
                timed = _timed(getattr(invoice, name), spent, cpu, ours, statements)
                setattr(module, name, timed)
        added: list[float] = []
        added_cpu: list[float] = []
        whole: list[float] = []
        rows = (("_LGST-SHIRT", 2, 1000, 5), ("_LGST-BELT", 1, 1000, 18))
        for i in range(opts.warmup + opts.rounds):
            customer, _ = site.member(1000)
            si = site.sales_invoice(customer, site.lines(*rows), points=300)
            si.insert()
            spent.clear()
            cpu.clear()
            ours.clear()
            statements.count, statements.on = 0, True
            t0 = time.perf_counter()
            si.submit()
            total = time.perf_counter() - t0
            statements.on = False
            assert si.lgst_points_redeemed == 300 and si.grand_total == 2952.0
            if i >= opts.warmup:
                added.append(sum(spent))
                added_cpu.append(sum(cpu))
                sent.append(statements.count)
                ours_sent.append(sum(ours))
                whole.append(total)
        print(f"site {opts.site}, apps {', '.join(frappe.get_installed_apps())}")
        print(f"Sales Invoice submit with 300 points redeemed, {opts.rounds} rounds:")
        print(
            f"  app's added time  p50 {_pct(added, 0.5):6.2f} ms  p90 {_pct(added, 0.9):6.2f} ms"
            f"  mean {statistics.mean(added) * 1000:6.2f} ms"
        )
        print(
            f"  of it CPU here    p50 {_pct(added_cpu, 0.5):6.2f} ms"
            f"  p90 {_pct(added_cpu, 0.9):6.2f} ms  (the rest: MariaDB round trips, waiting)"
        )
        print(
            f"  SQL statements: the app's {statistics.median(ours_sent):.0f}"
            f" of the submit's {statistics.median(sent):.0f} (medians)"
        )
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(
            f"  whole submit      p50 {_pct(whole, 0.5):6.2f} ms  p90 {_pct(whole, 0.9):6.2f} ms"
            f"  ({_pct(added, 0.5) / _pct(whole, 0.5) * 100:.0f} % of it)"
        )
    finally:
        frappe.db.rollback()
        frappe.destroy()


if __name__ == "__main__":
    main()
