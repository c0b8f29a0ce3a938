"""What the ArcGIS toolbox ``AGSAdmin.pyt`` needs that is not arcpy, one module per concern.

- :mod:`.validation`: the offline rules of every dialog, as :class:`~.validation.Finding`
  records (plain values in, findings out; no arcpy, no HTTP).
- :mod:`.picker`: the service picker's catalog, fetched once per connection file.
- :mod:`.messages`: the reporter over arcpy messages and the progressor, the toolbox's words
  for the core's hints, and the lines that describe a result, a failure and a journal.
- :mod:`.tables`: a generic table writer (fields declared once, rows streamed).
- :mod:`.tools`: what each tool does when it runs, given a :class:`~.tools.ToolRun`.

``AGSAdmin.pyt`` imports these only inside validation and ``execute``, never while the
toolbox loads. None of them imports arcpy (it is handed in), and requests and keyring are
imported only when a tool or the picker actually talks to a server.
"""
