"""The demo: one more company (`data/company.yaml`, set up through the same path as
`loyalty-gst setup`) and a day of its sales through every room, into out/.

`runner` runs the steps in order, one module each (`ledger`, `gstr1`, `tally`,
`einvoice`, `prints`, `channels`), every step a function of the `context.DemoRun`."""
