"""WSGI entry point: `gunicorn wsgi:app` in production, `flask --app wsgi …` for the CLI."""

import gc

# Start-up allocates many long-lived objects (mappers, schemas, routes) and the cyclic collector would walk
# them twice over for nothing (about 0.1 s of every command here). It waits until the app is made; what was
# made then is moved out of its sight (gunicorn's master also collects once before forking, see
# app.services.models.prepare_for_fork).
gc.disable()
try:
    from app import create_app

    app = create_app()
finally:
    gc.freeze()
    gc.enable()
