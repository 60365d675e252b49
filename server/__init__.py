"""The edkg web application: `create_app()` builds it from settings (Flask application factory)."""

from __future__ import annotations

from edkg import remote, settings
from flask import Flask

from .dataset import Dataset
from .errors import register_error_handlers


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app: defaults from the settings table, then EDKG_* variables, then test_config."""
    app = Flask(__name__)
    app.config.from_mapping(settings.defaults())
    app.config.from_prefixed_env("EDKG")
    if test_config:
        app.config.update(test_config)
    settings.check(app.config)  # a bad number fails here, named, not as a 500 on some request
    app.extensions["edkg"] = Dataset(app.config["STORE"], remote.from_settings(app.config))

    from . import pages, sparql

    app.register_blueprint(pages.bp)
    from . import api, meta

    app.register_blueprint(meta.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(sparql.bp)
    from . import restricted

    app.register_blueprint(restricted.bp)
    from . import reconcile

    app.register_blueprint(reconcile.bp)
    from . import transfer_map

    app.register_blueprint(transfer_map.bp)
    register_error_handlers(app)
    return app
