"""FrappeTestCase tests of the ERPNext glue in a real site."""
