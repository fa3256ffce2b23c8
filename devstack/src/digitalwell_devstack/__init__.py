"""The embedded default: Tansu, SecantusDB, an SMTP sink and the four services on one machine."""
