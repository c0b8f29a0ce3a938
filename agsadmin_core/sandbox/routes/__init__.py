"""Per-area route declarations (moto's ``urls.py`` + ``responses.py``): one module per API area.

Each module holds an ordered ``ROUTES`` list of ``routing.route(...)``
declarations and the handlers they name. A handler is called as
``handler(app, req, **groups)`` and returns plain data (rendered per ``f``)
or a ``wire.Response``; it raises ``envelopes`` errors. ``areas.py`` is the
registry that puts the modules in order.
"""
