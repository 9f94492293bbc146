"""The mosaic dashboard (Dash): ``create_app(data_access)`` builds it; ``mosaic dashboard`` serves it."""
