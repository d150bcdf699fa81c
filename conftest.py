pytest_plugins = ["exotel_dashboard.testing"]
