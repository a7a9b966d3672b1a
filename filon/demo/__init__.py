"""The demo network: loading the generated records into the database."""
