"""Analytics charts as PNG (matplotlib, Agg backend: no display needed).

Chart values are converted to float for drawing only — the figures in every table stay
Decimal; a bar's height needs no paise.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from loyalty_gst.reports.analytics import Analytics


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def points_by_month(a: Analytics, path: Path) -> Path:
    months = sorted(a.months)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    width = 0.27
    xs = range(len(months))
    for i, (label, attr) in enumerate((("issued", "issued"), ("redeemed", "redeemed"),
                                       ("expired", "expired"))):  # fmt: skip
        ax.bar([x + (i - 1) * width for x in xs], [getattr(a.months[m], attr) for m in months],
               width, label=label)  # fmt: skip
    ax.set_xticks(list(xs), months)
    ax.set_ylabel("points")
    ax.set_title("Points issued, redeemed and expired per month")
    ax.legend()
    return _save(fig, path)


def gst_foregone_by_store(a: Analytics, path: Path) -> Path:
    stores = sorted(a.stores)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    values = [a.stores[s].gst_foregone / 100 for s in stores]  # float ok: bar heights only
    ax.bar(stores, values, color="#c0504d")
    ax.set_ylabel("₹")
    ax.set_title("GST foregone on loyalty discounts, by store")
    ax.tick_params(axis="x", rotation=45)
    return _save(fig, path)


def cohort_repeat(a: Analytics, path: Path) -> Path:
    months = sorted(a.cohorts)
    fig, ax = plt.subplots(figsize=(7, 3.6))
    rates = [float(a.cohorts[m].rate or 0) * 100 for m in months]  # float ok: bar heights
    ax.bar(months, rates, color="#4f81bd")
    ax.set_ylim(0, 100)
    ax.set_ylabel("% members who came back")
    ax.set_title("Repeat rate by first-purchase cohort")
    ax.tick_params(axis="x", rotation=45)
    return _save(fig, path)


def draw_all(a: Analytics, folder: Path, stem: str = "analytics") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        points_by_month(a, folder / f"{stem}_points.png"),
        gst_foregone_by_store(a, folder / f"{stem}_gst_foregone.png"),
        cohort_repeat(a, folder / f"{stem}_cohorts.png"),
    ]
