def register_cli(app):
    pass
