"""A bounded pool of threads that runs one function over many items, in the stdlib of 2.7 too.

``concurrent.futures`` is missing from Python 2.7 and its backport would be a third runtime
dependency, so this small pool does the one thing we need: at most N calls at once, results in
the order of the items, and no new item started once the caller says "cancelled".
"""

import threading

from ._compat import queue


def run_bounded(func, items, workers=4, cancelled=None, on_done=None):
    """Call ``func(item)`` for every item with at most ``workers`` calls at once.

    Args:
        func: called once per item; whatever it returns is that item's result. It should
            catch its own expected errors; an unexpected one is returned in the result list
            as the exception object.
        items: the items, in order.
        workers: the largest number of calls running at once (at least 1).
        cancelled: a callable; once it returns True no further item is started.
        on_done: called as ``on_done(item, result)`` after each item, from the worker thread,
            under a lock so callers can update shared records safely.

    Returns:
        A list parallel to ``items``: each result, or None for an item never started.
    """
    items = list(items)
    results = [None] * len(items)
    if not items:
        return results
    todo = queue.Queue()
    for index, item in enumerate(items):
        todo.put((index, item))
    done_lock = threading.Lock()

    def worker():
        while True:
            if cancelled is not None and cancelled():
                return
            try:
                index, item = todo.get_nowait()
            except queue.Empty:
                return
            try:
                result = func(item)
            except Exception as exc:  # noqa: BLE001 - handed back to the caller, not lost
                result = exc
            results[index] = result
            if on_done is not None:
                with done_lock:
                    on_done(item, result)

    count = max(1, min(int(workers), len(items)))
    if count == 1:
        worker()
        return results
    threads = [threading.Thread(target=worker, name="agsadmin-worker-%d" % n)
               for n in range(count)]
    for thread in threads:
        thread.daemon = True
        thread.start()
    for thread in threads:
        thread.join()
    return results
