"""DigitalWell operations: the `digitalwell` command and the generators of deploy files."""
