"""The small interface through which the core reports progress to whichever front end runs it.

The CLI writes to stderr, the toolbox to arcpy messages and the progressor, and a script gets
:class:`Reporter`, which says nothing. The core never prints.
"""


class Reporter(object):
    """Silent by default; front ends override what they show."""

    def info(self, text):
        """A line worth telling the user."""

    def warning(self, text):
        """Something went wrong but the work goes on."""

    def progress(self, done, total, label):
        """``done`` of ``total`` items are finished; ``label`` names the last one."""

    def cancelled(self):
        """True when the user asked to stop; checked between services."""
        return False
