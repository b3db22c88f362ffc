"""Faults and load: servers stopped and killed mid-test, app processes of their own, the soak and the benchmark."""
