"""`loyalty-gst setup FILE.yaml --db URL`: the company from its file, into the database.

Every problem of the file is listed with its path (exit 2) and nothing is written; a
re-run with the same file changes nothing; a changed file updates what differs.
"""

from __future__ import annotations

import click

from loyalty_gst import company
from loyalty_gst.store import default_url, open_store


@click.command()
@click.argument("file", metavar="FILE.yaml", type=click.Path(dir_okay=False))
@click.option("--db", "url", default=None, help=f"Database URL [default: {default_url()}]")
@click.option("--check", "check_only", is_flag=True, help="Check the file; write nothing.")
def setup(file: str, url: str | None, check_only: bool) -> None:
    """Set up (or update) the company: registrations, stores, tills, items, program, series."""
    cf, logo = company.read(file)
    if check_only:
        click.echo(f"{file}: no problems ({len(cf.stores)} stores, {len(cf.items)} items)")
        return
    store = open_store(url)
    try:
        report = company.write(store, cf, logo)
    finally:
        store.dispose()
    if not report.changed:
        click.echo(f"{cf.company.name}: already up to date (revision {report.revision})")
        return
    click.echo(f"{cf.company.name}: set up in {store.url} (revision {report.revision})")
    for section, row in report.counts.items():
        done = ", ".join(f"{n} {what}" for what, n in row.items() if n)
        if done:
            click.echo(f"  {section}: {done}")
