"""The demo: one more company (fixtures/company.yaml, set up through `loyalty-gst setup`)
and a day of its sales through every room, into out/."""
