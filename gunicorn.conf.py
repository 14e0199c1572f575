"""gunicorn settings (read from the working directory): load the app and its models once, then fork.

With preload_app the master process imports the app (policy included) and loads the trained models before
forking, so every worker shares those pages copy-on-write instead of holding its own copy. Bind address,
worker and thread counts stay on the command line (`make run`, README "Production").
"""

preload_app = True


def on_starting(server):
    """In the master, after the app is imported: load the models and freeze the heap before forking."""
    if server.cfg.preload_app:
        from app.services.models import prepare_for_fork

        prepare_for_fork(server.app.wsgi())
