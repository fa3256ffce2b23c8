"""End-to-end tests: the four services as processes, driven over HTTP, Kafka and SMTP."""
