"""gunicorn settings (read from the working directory): load the app, its policy and models once, then fork.

With preload_app the master process imports the app, then builds what is otherwise made at first use
(the policy, the OpenAPI spec, the trained models) before forking, so every worker shares those pages
copy-on-write instead of holding its own copy. Bind address, worker and thread counts stay on the command
line (`make run`, README "Production").
"""

preload_app = True


def on_starting(server):
    """In the master, after the app is imported: load policy, spec and models, freeze the heap, then fork."""
    if server.cfg.preload_app:
        from app.lazy import warm_up
        from app.services.models import prepare_for_fork

        app = server.app.wsgi()
        warm_up(app)
        prepare_for_fork(app)
