"""The seeded demo network: a federation of three schools, calibrated to its real figures."""
