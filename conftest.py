pytest_plugins = ["exotel_dashboard.testing", "sandbox.fixtures"]
